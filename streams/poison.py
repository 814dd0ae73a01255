"""Poison messages: a per-article time budget, and a journal of attempts that survives crashes.

Two ways one article can stop a partition:

* it takes too long: the analysis runs under a wall-clock budget
  (``ESCWATCH_ARTICLE_TIME_BUDGET``); past it the analysis is interrupted and the
  message goes to the dead-letter topic with reason ``budget_exceeded``;
* it kills the process (out of memory, a crash in native code): nothing in the
  process survives to dead-letter it, and a restart would read it again and crash
  again. So before each analysis the worker notes, per input partition, the
  offset it is working on and how often it has started on it, in a small file
  beside Faust's state (``ESCWATCH_DATA_DIR``). The note is a plain write, no
  fsync: it survives the process, which is what it is for. When a message comes
  back whose offset the journal shows started ``ESCWATCH_MAX_ATTEMPTS`` times
  already, it is dead-lettered with reason ``poison`` without analysing it, and
  the partition moves on.

Redeliveries of earlier offsets after a restart leave the note alone, so the
count of the message that crashed the worker is not reset by the ones before it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

__all__ = ["AttemptJournal", "BudgetExceeded", "time_budget"]

_NOTE = re.compile(rb"^(\d+) (\d+)\n")


class BudgetExceeded(BaseException):
    """Raised inside an analysis that ran past its time budget.

    A BaseException, so the core's and the pipeline's ``except Exception``
    handlers do not turn it into an ordinary processing error.
    """


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Interrupt the block with :class:`BudgetExceeded` after ``seconds`` of wall time.

    Uses SIGALRM, so it works only in the main thread of a POSIX process (where
    the worker runs); elsewhere, or with ``seconds`` <= 0, the block runs unbounded.
    """
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise BudgetExceeded(f"analysis took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class AttemptJournal:
    """Per-partition note of the offset being analysed and how often it was started.

    Args:
        directory: Where the notes live (one small file per topic and partition).
        max_attempts: Starts after which a message counts as poison.
    """

    def __init__(self, directory: Path, max_attempts: int) -> None:
        """Open (or create) the journal folder."""
        self.directory = directory
        self.max_attempts = max_attempts
        self._fds: dict[tuple[str, int], int] = {}
        directory.mkdir(parents=True, exist_ok=True)

    def _fd(self, topic: str, partition: int) -> int:
        key = (topic, partition)
        fd = self._fds.get(key)
        if fd is None:
            safe = re.sub(r"[^A-Za-z0-9._-]", "_", topic)
            fd = os.open(self.directory / f"{safe}-{partition}.attempt", os.O_RDWR | os.O_CREAT,
                         0o644)
            self._fds[key] = fd
        return fd

    def _read(self, fd: int) -> tuple[int, int]:
        # Read each time: after a rebalance another worker may have written it.
        match = _NOTE.match(os.pread(fd, 64, 0))
        return (int(match.group(1)), int(match.group(2))) if match else (-1, 0)

    def _write(self, fd: int, offset: int, count: int) -> None:
        os.pwrite(fd, f"{offset} {count}\n".encode().ljust(48, b" "), 0)

    def begin(self, topic: str, partition: int, offset: int) -> int:
        """Note a start on ``offset``; return how many unfinished starts it had before."""
        fd = self._fd(topic, partition)
        noted_offset, count = self._read(fd)
        if offset < noted_offset:
            return 0  # a redelivery of an earlier message: keep the note
        before = count if offset == noted_offset else 0
        self._write(fd, offset, before + 1)
        return before

    def done(self, topic: str, partition: int, offset: int) -> None:
        """Note that ``offset``'s outputs are stored: a later redelivery starts afresh."""
        fd = self._fd(topic, partition)
        if self._read(fd)[0] == offset:
            self._write(fd, offset, 0)

    def is_poison(self, starts_before: int) -> bool:
        """Whether a message with ``starts_before`` earlier starts is to be given up."""
        return starts_before >= self.max_attempts

    def close(self) -> None:
        """Close the note files."""
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
