"""The Docker path asks for an engine first and says why it cannot be used."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from streams.localkafka import docker
from streams.localkafka.util import BrokerUnavailableError


def _fake_docker(folder: Path, exit_code: int) -> None:
    cli = folder / "docker"
    cli.write_text(f"#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit {exit_code}\n")
    cli.chmod(cli.stat().st_mode | stat.S_IXUSR)


def test_no_docker_on_path(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    assert docker.engine() == (False, "no Docker engine (docker not found on PATH)")


def test_a_daemon_that_does_not_answer(isolated: Path) -> None:
    _fake_docker(isolated, 1)
    ok, why = docker.engine()
    assert not ok
    assert "daemon not reachable" in why
    assert docker.compose_command(Path("docker-compose.yml")) == (None, why)


def test_an_engine_without_a_compose_file(isolated: Path) -> None:
    _fake_docker(isolated, 0)
    assert docker.engine()[0]
    compose, why = docker.compose_command(None)
    assert compose is None
    assert "ESCWATCH_COMPOSE_FILE" in why


def test_the_container_is_refused_before_testcontainers_without_engine(
        isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an engine, kafka_container says so instead of DockerContainer raising."""
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(BrokerUnavailableError, match="no Docker engine"), \
            docker.kafka_container():
        pytest.fail("no container can start without an engine")
