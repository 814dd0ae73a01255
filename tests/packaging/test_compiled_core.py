"""The optional mypyc-compiled core gives byte-identical analyses to the pure-Python one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INPUTS = [ROOT / "seeds" / "articles.jsonl", ROOT / "seeds" / "demo.jsonl",
          ROOT / "seeds" / "backtest" / "articles.jsonl"]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _analyze(python_path: Path | None, cwd: Path) -> bytes:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if python_path is not None:
        env["PYTHONPATH"] = str(python_path)
    code = "import sys; from streams.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "analyze", *map(str, INPUTS)], env=env,
                          cwd=cwd, capture_output=True, check=True, timeout=300)
    return done.stdout


class TestCompiledCore:
    def test_compiled_build_gives_identical_analyses(self, tmp_path: Path) -> None:
        """A wheel built with ESCWATCH_MYPYC=1 holds C extensions for the core, and its
        analyses of the seed, demo and backtest articles equal the pure-Python ones byte
        for byte."""
        if shutil.which("cc") is None and shutil.which("gcc") is None:
            pytest.skip("no C compiler: the compiled build is optional")
        pytest.importorskip("mypyc")
        wheels = tmp_path / "wheels"
        env = {**os.environ, "ESCWATCH_MYPYC": "1"}
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--no-build-isolation", "-w", str(wheels), str(ROOT)],
                       env=env, cwd=tmp_path, check=True, timeout=600)
        (wheel,) = wheels.glob("escalation_watch-*.whl")
        site = tmp_path / "site"
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
        core = site / "streams" / "core"
        compiled = {str(p.relative_to(core)).split(".")[0] for p in core.rglob("*.so")}
        assert {"actors/extractor", "actors/names", "signals", "text", "analyze"} <= compiled
        workdir = tmp_path / "elsewhere"  # not the source tree, which would shadow the wheel
        workdir.mkdir()
        assert _analyze(site, workdir) == _analyze(None, ROOT)
