"""The Docker path: ``docker compose`` for ``escwatch kafka up``, testcontainers for tests.

Both need a Docker engine that answers; :func:`engine` asks it first (within a
few seconds), because testcontainers' ``DockerContainer(...)`` raises without
one and ``docker compose`` would hang or fail with a less useful message. The
compose file is never looked for next to this module: it is given explicitly
(``ESCWATCH_COMPOSE_FILE``) or found in the project of the working directory
(see :class:`streams.config.LocalBrokerSettings`).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from streams.localkafka import jvm
from streams.localkafka.probe import probe_metadata
from streams.localkafka.state import local_bootstrap
from streams.localkafka.util import BrokerUnavailableError, free_port, run_command

__all__ = ["KAFKA_IMAGE", "compose_command", "compose_down", "compose_up", "engine",
           "kafka_container"]

KAFKA_IMAGE = "apache/kafka:4.1.1"
"""Image of the testcontainers broker (the compose file pins its own)."""

ENGINE_TIMEOUT = 5.0
"""Seconds a Docker engine has to answer before it counts as absent."""


def _sdk_ping(timeout: float) -> bool:
    try:
        sdk: Any = importlib.import_module("docker")  # the SDK testcontainers installs
        sdk.from_env(timeout=max(1, int(timeout))).ping()
    except Exception:  # any failure (no SDK, no socket, refused) means: no engine
        return False
    return True


def engine(timeout: float = ENGINE_TIMEOUT) -> tuple[bool, str]:
    """Whether a Docker engine answers, and if not, why not (for error messages)."""
    cli = shutil.which("docker")
    if cli is None:
        if _sdk_ping(timeout):
            return True, "Docker engine (SDK)"
        return False, "no Docker engine (docker not found on PATH)"
    try:
        info = run_command([cli, "info", "--format", "{{.ServerVersion}}"], timeout)
    except (subprocess.TimeoutExpired, OSError):
        return False, f"no Docker engine (docker info did not answer within {timeout:.0f} s)"
    if info.returncode != 0:
        return False, "no Docker engine (docker info failed: daemon not reachable)"
    return True, f"Docker engine {info.stdout.strip()}"


def compose_command(compose_file: Path | None) -> tuple[list[str] | None, str]:
    """The ``docker compose`` command if an engine answers and ``compose_file`` exists,
    else None and why not."""
    ok, why = engine()
    if not ok:
        return None, why
    if compose_file is None:
        return None, ("Docker engine found but no docker-compose.yml (run from the project "
                      "folder or set ESCWATCH_COMPOSE_FILE)")
    if not compose_file.is_file():
        return None, f"Docker engine found but {compose_file} is missing"
    docker = shutil.which("docker") or "docker"
    for cmd in ([docker, "compose"], [shutil.which("docker-compose") or ""]):
        if not cmd[0]:
            continue
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            if run_command([*cmd, "version"], ENGINE_TIMEOUT).returncode == 0:
                return cmd, "docker compose available"
    return None, "Docker engine found but neither 'docker compose' nor 'docker-compose' works"


def _compose_env(port: int | None) -> dict[str, str]:
    env = dict(os.environ)
    if port is not None:
        env["ESCWATCH_KAFKA_PORT"] = str(port)
    return env


def compose_up(compose: list[str], compose_file: Path, port: int, timeout: float) -> str:
    """``docker compose up -d kafka`` with the broker published on ``port``; wait until
    it answers and return its cluster id.

    Raises:
        BrokerUnavailableError: compose failed, or the broker did not answer in time.
    """
    deadline = time.monotonic() + timeout
    cmd = [*compose, "-f", str(compose_file), "up", "-d", "kafka"]
    try:
        result = run_command(cmd, timeout, env=_compose_env(port), cwd=compose_file.parent)
    except subprocess.TimeoutExpired as exc:
        raise BrokerUnavailableError(
            f"'{' '.join(cmd)}' did not finish within {timeout:g} s") from exc
    if result.returncode != 0:
        raise BrokerUnavailableError(
            f"'{' '.join(cmd)}' failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
    while time.monotonic() < deadline:
        info = probe_metadata(local_bootstrap(port))
        if info is not None:
            return info.cluster_id or "?"
        time.sleep(1.0)
    raise BrokerUnavailableError(
        f"docker compose started service 'kafka' but {local_bootstrap(port)} did not answer "
        f"metadata requests within {timeout:g} s; "
        f"see 'docker compose -f {compose_file} logs kafka'")


def compose_down(compose_file: Path, port: int | None) -> str:
    """``docker compose down`` of ``compose_file``; say what happened."""
    compose, why = compose_command(compose_file)
    if compose is None:
        return f"cannot stop docker broker: {why}"
    try:
        result = run_command([*compose, "-f", str(compose_file), "down"], 120.0,
                             env=_compose_env(port), cwd=compose_file.parent)
    except subprocess.TimeoutExpired:
        return "docker compose down did not finish within 120 s"
    if result.returncode != 0:
        return f"docker compose down failed: {result.stderr.strip()[-500:]}"
    return "docker compose down"


@contextlib.contextmanager
def kafka_container(image: str = KAFKA_IMAGE, timeout: float = 120.0) -> Iterator[str]:
    """A throwaway single-node KRaft broker in a container (testcontainers), for tests:
    yields its bootstrap address and removes the container afterwards.

    Raises:
        BrokerUnavailableError: no Docker engine answers, testcontainers is not
            installed, or the broker did not answer within ``timeout`` seconds.
    """
    ok, why = engine()
    if not ok:
        raise BrokerUnavailableError(why)
    try:
        from testcontainers.core.container import DockerContainer
    except ImportError as exc:
        raise BrokerUnavailableError(
            "testcontainers is not installed (pip install 'escalation-watch[test]')") from exc
    port = free_port()
    container = (
        DockerContainer(image)
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
        # By size, never by age (see jvm.RETENTION_MS).
        .with_env("KAFKA_LOG_RETENTION_MS", str(jvm.RETENTION_MS))
        .with_env("KAFKA_LOG_RETENTION_BYTES", str(jvm.RETENTION_BYTES))
    )
    bootstrap = local_bootstrap(port)
    with container:
        deadline = time.monotonic() + timeout
        while probe_metadata(bootstrap) is None:
            if time.monotonic() > deadline:
                raise BrokerUnavailableError(
                    f"the {image} container did not answer on {bootstrap} within {timeout:g} s")
            time.sleep(1.0)
        yield bootstrap
