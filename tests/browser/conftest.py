"""Headless Chromium (Debian's chromium and chromium-driver) driven by Selenium, and a
real ``escwatch dashboard`` process. Selenium uses /usr/bin/chromedriver, never its
download manager. With ``CI=true`` a missing browser fails the run instead of skipping."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from streams.localkafka.util import free_port
from tests.integration.conftest import (  # noqa: F401  (fixtures used by the tests)
    kafka_bootstrap,
    run_id,
    start_worker,
    wait_for,
    worker_env,
)

ROOT = Path(__file__).resolve().parents[2]
CHROMEDRIVER = "/usr/bin/chromedriver"


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium that can reach only this machine."""
    binary = shutil.which("chromium") or "/usr/bin/chromium"
    if not (Path(CHROMEDRIVER).exists() and Path(binary).exists()):
        message = "Chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
        if _ci():
            pytest.fail(message)
        pytest.skip(message)
    os.environ["SE_OFFLINE"] = "true"  # no Selenium Manager download
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--no-proxy-server",
                # No internet: every host but the loopback fails to resolve.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


class DashboardProcess:
    """A real ``escwatch dashboard`` in a child process."""

    def __init__(self, env: dict[str, str], log_path: Path, *args: str) -> None:
        """Start it on a free port."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.env, self.args, self.log_path = env, args, log_path
        self.start()

    def start(self) -> None:
        """(Re)start the process."""
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "dashboard", "--port", str(self.port),
             *self.args], env=self.env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)
        assert wait_for(lambda: self.status() is not None, 30), self.log()

    def status(self) -> dict[str, Any] | None:
        """/api/status, or None while it does not answer."""
        import json

        try:
            with urllib.request.urlopen(self.url + "api/status", timeout=2) as resp:
                result: dict[str, Any] = json.loads(resp.read())
                return result
        except OSError:
            return None

    def stop(self) -> None:
        """Terminate it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()

    def log(self) -> str:
        """Its output so far."""
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_dashboard(tmp_path: Path) -> Iterator[Any]:
    """Factory for dashboard processes, stopped after the test."""
    started: list[DashboardProcess] = []

    def factory(env: dict[str, str], *args: str) -> DashboardProcess:
        dash = DashboardProcess(env, tmp_path / f"dashboard-{len(started)}.log", *args)
        started.append(dash)
        return dash

    yield factory
    for dash in started:
        dash.stop()
