"""Finding, starting and stopping the single broker, without any broker, Docker or Java."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from streams.localkafka import broker
from streams.localkafka.util import BrokerUnavailableError, free_port


def test_error_names_everything_missing(isolated: Path) -> None:
    """With no bootstrap variable, no docker and no java, up explains all three, quickly."""
    started = time.monotonic()
    with pytest.raises(BrokerUnavailableError) as info:
        broker.up(free_port(2), timeout=1)
    assert time.monotonic() - started < 5.0
    message = str(info.value)
    assert message.startswith("no Kafka broker available: ")
    assert "no KAFKA_BOOTSTRAP_SERVERS" in message
    assert "no Docker engine" in message
    assert "java >= 17 not found" in message
    assert "install OpenJDK 17" in message


def test_error_names_unanswered_bootstrap(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"127.0.0.1:{free_port()}"
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", dead)
    with pytest.raises(BrokerUnavailableError, match=f"KAFKA_BOOTSTRAP_SERVERS={dead} did not"):
        broker.up(free_port(2), timeout=1)


def test_up_refuses_port_taken_by_something_else(isolated: Path, garbage_server: int) -> None:
    """up does not start Kafka on a port another program holds, and says so within 5 s."""
    started = time.monotonic()
    with pytest.raises(BrokerUnavailableError, match="already in use"):
        broker.up(garbage_server, timeout=1)
    assert time.monotonic() - started < 5.0


def test_status_reports_not_running(isolated: Path) -> None:
    started = time.monotonic()
    result = broker.status(free_port())
    assert time.monotonic() - started < 5.0
    assert not result.running
    assert result.mode == "none"
    assert result.pid is None
    assert result.detail == "nothing answers metadata requests"


def test_status_of_an_open_port_that_is_not_kafka(isolated: Path, garbage_server: int) -> None:
    result = broker.status(garbage_server)
    assert not result.running
    assert result.detail == f"port {garbage_server} is open but does not speak Kafka"


def test_find_without_start_does_not_start(isolated: Path) -> None:
    result = broker.find_or_start(free_port(), start=False)
    assert (result.running, result.mode) == (False, "none")


def test_down_leaves_foreign_pid_alone(isolated: Path, tmp_path: Path) -> None:
    """A pid file naming a process that is not our broker is removed, not killed."""
    port_dir = tmp_path / "state" / "19092"
    port_dir.mkdir(parents=True)
    (port_dir / "broker.pid").write_text(f"{os.getpid()}\n")
    (port_dir / "state.json").write_text('{"mode": "jvm", "port": 19092}\n')
    result = broker.down()
    assert "stale pid file removed" in result.detail
    assert not (port_dir / "broker.pid").exists()
    assert not result.running


def test_down_with_nothing_managed(isolated: Path) -> None:
    result = broker.down(free_port())
    assert result.mode == "none"
    assert "no managed broker" in result.detail


def test_up_passes_keep_data_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """up(keep_data=True) asks find_or_start for a restart on the previous storage."""
    seen: dict[str, object] = {}

    def fake(port: int, **kwargs: object) -> object:
        seen.update(kwargs, port=port)
        return "status"

    monkeypatch.setattr(broker, "find_or_start", fake)
    assert broker.up(19999, keep_data=True) == "status"
    assert seen == {"port": 19999, "start": True, "timeout": 180.0, "keep_data": True,
                    "settings": None}
