"""The real broker for the integration tier, and helpers to talk to it.

Order of choice: ``KAFKA_BOOTSTRAP_SERVERS`` when it answers; else a Docker
engine, through testcontainers running the apache/kafka image
(:func:`streams.localkafka.docker.kafka_container`); else a local broker on the
JVM (``escwatch kafka up``). With ``CI=true`` a missing broker
fails the run; elsewhere the tier is skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams import localkafka
from streams.localkafka import docker
from streams.localkafka.util import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap address of a real Apache Kafka broker."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured and localkafka.probe_metadata(configured) is not None:
        yield configured
        return
    if docker.engine()[0]:
        with docker.kafka_container() as bootstrap:
            yield bootstrap
        return
    try:
        status = localkafka.up()
    except localkafka.BrokerUnavailableError as exc:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI needs a real Kafka broker and none could be had: {exc}")
        pytest.skip(f"no Kafka broker: {exc}")
    yield status.bootstrap


@pytest.fixture
def run_id() -> str:
    """A fresh id that isolates one test's topics and consumer groups."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def worker_env(kafka_bootstrap: str, run_id: str, tmp_path: Path) -> dict[str, str]:
    """Environment for a worker process on private topics of this test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESCWATCH_")}
    env.update({
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ESCWATCH_APP_ID": f"escwatch-test-{run_id}",
        "ESCWATCH_TOPIC_RAW": f"articles.raw.{run_id}",
        "ESCWATCH_TOPIC_ANALYZED": f"articles.analyzed.{run_id}",
        "ESCWATCH_TOPIC_ALERTS": f"monitoring.alerts.{run_id}",
        "ESCWATCH_TOPIC_DEADLETTER": f"articles.deadletter.{run_id}",
        "ESCWATCH_DATA_DIR": str(tmp_path / "faust-data"),
        "ESCWATCH_WEB_PORT": str(free_port()),
        "ESCWATCH_LOG_LEVEL": "WARNING",
    })
    return env


class WorkerProcess:
    """A real ``escwatch worker`` in a child process."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        """Start the worker with ``env``, logging to ``log_path``."""
        self.env = env
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"], env=env, cwd=ROOT,
            stdout=self._log, stderr=subprocess.STDOUT)

    def stop(self, sig: int = 15, timeout: float = 30) -> int:
        """Send ``sig`` and wait for the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        return self.proc.returncode

    def log(self) -> str:
        """The worker's output so far."""
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[type[WorkerProcess]]:
    """Factory that starts workers and stops them after the test."""
    started: list[WorkerProcess] = []

    class Factory(WorkerProcess):
        def __init__(self, env: dict[str, str] | None = None) -> None:
            super().__init__(env or worker_env, tmp_path / f"worker-{len(started)}.log")
            started.append(self)

    yield Factory
    for worker in started:
        worker.stop(timeout=20)


def wait_for(predicate: object, timeout: float, interval: float = 0.2) -> bool:
    """Poll ``predicate()`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(interval)
    return False
