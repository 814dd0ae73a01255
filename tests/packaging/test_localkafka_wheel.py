"""Installed from a wheel, ``escwatch kafka`` works from any folder: its cache and state go
to the user cache (not next to the installed package), and nothing is written to the
working directory or site-packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from streams.localkafka.util import free_port
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, unpacked as site-packages would hold it."""
    pytest.importorskip("setuptools")
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(tmp / "dist"), str(ROOT)],
                   cwd=tmp, check=True, timeout=300)
    (wheel,) = (tmp / "dist").glob("escalation_watch-*.whl")
    target = tmp / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    assert not (target / "streams" / "kafka_local.py").exists()
    return target


def _escwatch(site: Path, cwd: Path, cache: Path, *args: str,
              timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ESCWATCH_") and k not in {"KAFKA_BOOTSTRAP_SERVERS", "PYTHONPATH"}}
    env.update(PYTHONPATH=str(site), XDG_CACHE_HOME=str(cache))
    code = "import sys; from streams.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, "kafka", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_status_from_elsewhere_uses_the_installed_package(site: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = free_port()
    done = _escwatch(site, elsewhere, tmp_path / "cache", "status", "--port", str(port))
    assert done.returncode == 1, done.stderr
    assert f"kafka not running [none] at 127.0.0.1:{port}" in done.stdout
    assert list(elsewhere.iterdir()) == []


def test_up_from_elsewhere_keeps_its_files_in_the_user_cache(site: Path, tmp_path: Path) -> None:
    """A real JVM broker from the wheel: jars and state under $XDG_CACHE_HOME."""
    if shutil.which("java") is None or shutil.which("mvn") is None:
        pytest.skip("needs Java 17+ and Maven for the JVM broker")
    cache = tmp_path / "cache"
    home = cache / "escalation-watch" / "kafka"
    cached = ROOT / ".cache" / "kafka" / "4.1.1"
    if (cached / ".escwatch-resolved").is_file():  # the project's jars: no second download
        home.mkdir(parents=True)
        (home / "4.1.1").symlink_to(cached)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = free_port(2)
    try:
        done = _escwatch(site, elsewhere, cache, "up", "--port", str(port))
        assert done.returncode == 0, done.stderr
        assert f"kafka running [jvm] at 127.0.0.1:{port}" in done.stdout
        assert f"log={home / 'run' / str(port) / 'logs' / 'server.log'}" in done.stdout
        assert (home / "run" / str(port) / "broker.pid").is_file()
    finally:
        down = _escwatch(site, elsewhere, cache, "down", "--port", str(port))
    assert down.returncode == 0, down.stderr
    assert "stopped pid" in down.stdout
    assert list(elsewhere.iterdir()) == []
    assert not any(p.name == ".cache" for p in site.iterdir())
