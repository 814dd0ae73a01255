"""Stopping the child processes the tools start (workers for replays and benchmarks)."""

from __future__ import annotations

import signal
import subprocess

__all__ = ["stop_process"]


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> int | None:
    """Stop ``proc`` with SIGTERM (a worker then commits and flushes), or kill it
    after ``timeout`` seconds; return its exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return proc.returncode
