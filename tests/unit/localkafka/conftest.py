"""Fixtures of the local-broker unit tests: no broker, Docker or Java needed."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ENV = ("KAFKA_BOOTSTRAP_SERVERS", "JAVA_HOME", "ESCWATCH_KAFKA_VERSION", "ESCWATCH_KAFKA_PORT",
       "ESCWATCH_KAFKA_HOME", "ESCWATCH_KAFKA_STATE", "ESCWATCH_COMPOSE_FILE", "XDG_CACHE_HOME")


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every local-broker path and variable points into ``tmp_path``, and ``PATH`` is an
    empty folder (no docker, java or mvn); returns that folder."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ESCWATCH_KAFKA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ESCWATCH_KAFKA_STATE", str(tmp_path / "state"))
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    return empty_bin


@pytest.fixture
def garbage_server() -> Iterator[int]:
    """A TCP port that accepts connections and answers with non-Kafka bytes."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    server.close()
