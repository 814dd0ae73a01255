"""Log rate limiting for the worker: repeats of one message are collapsed.

During a broker outage the Kafka clients (aiokafka, kafka-python) and Faust
(and mode, its service framework) log the same failure many times a second.
:class:`RepeatFilter` lets the first occurrence of a message through, drops
the repeats for ``interval`` seconds, and then lets one line through that says
how many were dropped. Messages are grouped by logger, level and text with the
numbers blanked out, so "connect to 127.0.0.1:9092 failed (attempt 17)" and
"(attempt 18)" are one message.

The worker installs it on the root logger's handlers once Faust has set
logging up (:func:`install`), so every record that reaches the log passes it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable

__all__ = ["DEFAULT_PREFIXES", "RepeatFilter", "install"]

DEFAULT_PREFIXES: tuple[str, ...] = ("aiokafka", "kafka", "faust", "mode")
"""Loggers whose repeats are collapsed (their children too)."""

_NUMBERS = re.compile(r"\d+")


class RepeatFilter(logging.Filter):
    """Collapse repeated log messages from noisy loggers.

    Attributes:
        interval: Seconds during which repeats of a message are dropped.
        suppressed: Total records dropped so far (for tests and summaries).
    """

    def __init__(self, interval: float = 30.0, prefixes: Iterable[str] = DEFAULT_PREFIXES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Collapse repeats from loggers named ``prefixes`` (or their children)."""
        super().__init__()
        self.interval = interval
        self.prefixes = tuple(prefixes)
        self.suppressed = 0
        self._clock = clock
        self._lock = threading.Lock()
        # key -> (time the window opened, repeats dropped in it)
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}

    def _watched(self, name: str) -> bool:
        return any(name == p or name.startswith(p + ".") for p in self.prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False for a repeat inside the window; annotate the first line after it."""
        if not self._watched(record.name):
            return True
        try:
            text = record.getMessage()
        except Exception:  # a broken format string: let the handler report it
            return True
        key = (record.name, record.levelno, _NUMBERS.sub("#", text)[:300])
        now = self._clock()
        with self._lock:
            opened, dropped = self._seen.get(key, (None, 0))
            if opened is not None and now - opened < self.interval:
                self._seen[key] = (opened, dropped + 1)
                self.suppressed += 1
                return False
            self._seen[key] = (now, 0)
            if len(self._seen) > 10_000:  # bounded memory: forget stale windows
                self._seen = {k: v for k, v in self._seen.items()
                              if now - v[0] < self.interval}
        if dropped:
            # A traceback is shown once per window; later lines carry only the count.
            record.msg = (f"{text} [repeated {dropped} more times in the last "
                          f"{now - opened:.0f} s]" if opened is not None else text)
            record.args = ()
        if opened is not None:
            record.exc_info = None
            record.exc_text = None
        return True


def install(interval: float, root: logging.Logger | None = None) -> RepeatFilter:
    """Add one :class:`RepeatFilter` to every handler of ``root`` (default: the root logger).

    Returns:
        The filter (shared by all handlers, so a repeat is counted once).
    """
    root = root or logging.getLogger()
    repeat = RepeatFilter(interval)
    for handler in root.handlers:
        if not any(isinstance(f, RepeatFilter) for f in handler.filters):
            handler.addFilter(repeat)
    return repeat
