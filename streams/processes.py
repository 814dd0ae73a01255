"""Stopping the child processes the tools start (workers for replays and benchmarks)."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys

__all__ = ["die_with_parent", "stop_process"]

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """``preexec_fn`` of a tool's child worker: on Linux the child gets SIGTERM when the
    tool that started it dies, however it dies, so no worker outlives its replay or
    benchmark. Elsewhere it does nothing."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)


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
