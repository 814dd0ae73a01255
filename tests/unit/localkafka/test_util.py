"""The shared helpers: a free port (or block of ports) and a log file's tail."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from streams.errors import EscwatchError
from streams.localkafka.util import BrokerUnavailableError, free_port, log_summary, log_tail


@pytest.mark.parametrize("count", [1, 2, 6])
def test_free_port_gives_a_bindable_block(count: int) -> None:
    """Each port of the block can be bound right after the call."""
    base = free_port(count)
    assert 1024 <= base <= 65535 - count
    for port in range(base, base + count):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_free_port_skips_a_bound_port() -> None:
    """A port someone holds is never handed out."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        assert all(free_port() != taken for _ in range(20))


def test_log_tail_gives_the_last_lines(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert log_tail(log, 3) == "line 97\nline 98\nline 99"
    assert log_tail(log).splitlines()[0] == "line 60"  # 40 lines by default


def test_log_tail_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert log_tail(tmp_path / "nothing.log") == ""


def test_log_summary_puts_error_lines_first(tmp_path: Path) -> None:
    """Errors from anywhere in the logs come before the tails, each once."""
    log = tmp_path / "server.log"
    log.write_text("[x] ERROR disk full\n" + "ok\n" * 100 + "[x] ERROR disk full\n")
    summary = log_summary(log, tmp_path / "missing.out")
    assert summary.startswith("--- errors ---\n[x] ERROR disk full\n--- tail of")
    assert summary.count("ERROR disk full") == 2  # once in errors, once in the tail
    assert log_summary(tmp_path / "missing.out") == "(no log output)"


def test_broker_error_is_an_escwatch_error() -> None:
    assert issubclass(BrokerUnavailableError, EscwatchError)
