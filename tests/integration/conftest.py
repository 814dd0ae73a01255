"""The real broker for the integration tier, and helpers to talk to it.

Order of choice: ``KAFKA_BOOTSTRAP_SERVERS`` when it answers; else a Docker
engine, through testcontainers running the apache/kafka image; else a local
broker on the JVM (``escwatch kafka up``). With ``CI=true`` a missing broker
fails the run; elsewhere the tier is skipped with the reason.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams import kafka_local

ROOT = Path(__file__).resolve().parents[2]
KAFKA_IMAGE = "apache/kafka:4.1.0"


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:  # any failure means: no usable engine
        return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap address of a real Apache Kafka broker."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured and kafka_local.probe_metadata(configured) is not None:
        yield configured
        return
    if _docker_answers():
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.waiting_utils import wait_for_logs

        port = _free_port()
        container = (
            DockerContainer(KAFKA_IMAGE)
            .with_bind_ports(9092, port)
            .with_env("KAFKA_NODE_ID", "1")
            .with_env("KAFKA_PROCESS_ROLES", "broker,controller")
            .with_env("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093")
            .with_env("KAFKA_ADVERTISED_LISTENERS", f"PLAINTEXT://127.0.0.1:{port}")
            .with_env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
            .with_env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
            .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        )
        with container:
            wait_for_logs(container, "Kafka Server started", timeout=120)
            yield f"127.0.0.1:{port}"
        return
    try:
        status = kafka_local.up()
    except kafka_local.BrokerUnavailableError as exc:
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
        "ESCWATCH_WEB_PORT": str(_free_port()),
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
