"""Small shared helpers: a free local port, the tail of a log file, running a command.

They are meant for the rest of the project and the tests too, so this module
imports nothing of the package but :mod:`streams.errors`.
"""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
from pathlib import Path

from streams.errors import EscwatchError

__all__ = ["BrokerUnavailableError", "free_port", "log_summary", "log_tail", "run_command"]

LOG_TAIL_LINES = 40
"""Lines of a log file quoted in error messages."""


class BrokerUnavailableError(EscwatchError):
    """No Kafka broker could be found or started.

    The message names what is missing (a reachable ``KAFKA_BOOTSTRAP_SERVERS``,
    a Docker engine, Java >= 17, Maven, ...) or why the broker failed to start,
    including the tail of its log.
    """


def _bindable(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(count: int = 1, host: str = "127.0.0.1") -> int:
    """A port on ``host`` that nothing is bound to right now, with the ``count - 1``
    ports after it free too (a broker and its controller, a cluster's block).

    Nothing reserves the ports: another program may take them before the caller does.

    Raises:
        RuntimeError: no such block was found in 100 tries.
    """
    for _ in range(100):
        with socket.socket() as sock:
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
        if port + count > 65535:
            continue
        if all(_bindable(host, p) for p in range(port + 1, port + count)):
            return port
    raise RuntimeError(f"no block of {count} free port(s) on {host}")


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a (log) file; empty when it cannot be read."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


_ERROR_LINE = re.compile(r"\b(ERROR|FATAL)\b|^(Caused by: |\S+(Exception|Error): )")


def log_summary(*paths: Path, lines: int = LOG_TAIL_LINES) -> str:
    """Broker logs for an error message: distinct error lines first, then each file's tail."""
    errors: list[str] = []
    chunks: list[str] = []
    for path in paths:
        with contextlib.suppress(OSError):
            for line in path.read_text(errors="replace").splitlines():
                if _ERROR_LINE.search(line) and line not in errors:
                    errors.append(line)
        tail = log_tail(path, lines)
        if tail:
            chunks.append(f"--- tail of {path} ---\n{tail}")
    if errors:
        chunks.insert(0, "--- errors ---\n" + "\n".join(errors[-12:]))
    return "\n".join(chunks) if chunks else "(no log output)"


def run_command(cmd: list[str], timeout: float, env: dict[str, str] | None = None,
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` to completion with captured text output and no stdin.

    Raises:
        subprocess.TimeoutExpired: it did not finish within ``timeout`` seconds.
        OSError: it could not be started.
    """
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=cwd, check=False, stdin=subprocess.DEVNULL)
