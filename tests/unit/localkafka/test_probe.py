"""Readiness probes through kafka-python: closed ports and non-Kafka ports are no broker."""

from __future__ import annotations

import threading
import time

from streams.localkafka.probe import bootstrap_addresses, port_open, probe_metadata
from streams.localkafka.util import free_port


def test_bootstrap_addresses_accept_common_forms() -> None:
    """Schemes, lists, spaces, IPv6 brackets and a missing port all parse."""
    assert bootstrap_addresses("PLAINTEXT://a:1, b:2,[::1]:3,c,,bad:x") == [
        ("a", 1), ("b", 2), ("::1", 3), ("c", 9092)]


def test_closed_port_is_no_broker_at_once() -> None:
    started = time.monotonic()
    assert probe_metadata(f"127.0.0.1:{free_port()}") is None
    assert time.monotonic() - started < 1.0


def test_open_port_that_is_not_kafka_is_no_broker_within_5_s(garbage_server: int) -> None:
    """An open port answering other bytes is said to be no broker within 5 s."""
    started = time.monotonic()
    assert probe_metadata(f"127.0.0.1:{garbage_server}") is None
    assert time.monotonic() - started < 5.0


def test_port_open(garbage_server: int) -> None:
    assert port_open(garbage_server)
    assert not port_open(free_port())


def test_failed_probes_leave_no_client_thread_behind(garbage_server: int) -> None:
    """Each probe closes its kafka-python client, even when bootstrap fails in __init__."""
    probe_metadata(f"127.0.0.1:{garbage_server}", timeout=0.5)
    before = threading.active_count()
    for _ in range(3):
        assert probe_metadata(f"127.0.0.1:{garbage_server}", timeout=0.5) is None
    assert threading.active_count() <= before
