"""Progress bar and run summary shared by replays and backtests."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO

from streams.core.scoring import LEVELS

__all__ = ["Progress", "ReplaySummary"]

class Progress:
    """A small progress bar with rate and ETA on stderr (no dependency).

    It draws only when enabled (a TTY, or ``--progress``) and at most ten
    times a second, so a fast replay is not slowed down by drawing. On a
    terminal the bar is redrawn in place (carriage return); anywhere else
    (a log file, a pipe) it writes plain lines without control characters:
    one per tenth of the total (every 10 s when the total is unknown) and
    one at the end.
    """

    def __init__(self, total: int | None, label: str, *, enabled: bool,
                 stream: TextIO | None = None) -> None:
        """Prepare a bar for ``total`` items (None when unknown)."""
        self.total = total
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.done = 0
        self._started = time.monotonic()
        self._drawn = 0.0
        self._step = -1
        self._open = False

    @staticmethod
    def wanted(flag: bool) -> bool:
        """Whether to draw: asked for, or stderr is a terminal."""
        return flag or sys.stderr.isatty()

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done and redraw if it is time."""
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        finished = self.done == self.total
        if self.tty:
            if now - self._drawn >= 0.1 or finished:
                self._drawn = now
                self.stream.write("\r" + self.render(now - self._started))
                self.stream.flush()
                self._open = True
            return
        step = (self.done * 10 // self.total if self.total
                else int((now - self._started) // 10))
        if step != self._step:
            self._step = step
            self.stream.write(self.render(now - self._started) + "\n")
            self.stream.flush()

    def render(self, elapsed: float) -> str:
        """The bar as text after ``elapsed`` seconds."""
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if not self.total:
            return f"{self.label} {self.done} {rate:.1f}/s"
        share = min(self.done / self.total, 1.0)
        filled = int(share * 24)
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        eta = f"{int(left) // 60}:{int(left) % 60:02d}"
        return (f"{self.label} [{'#' * filled}{'.' * (24 - filled)}] {self.done}/{self.total}"
                f" {share:4.0%} {rate:.1f}/s ETA {eta}")

    def close(self) -> None:
        """End the bar's line (on a terminal)."""
        if self.enabled and self.tty and self._open:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class ReplaySummary:
    """What a replay did.

    Attributes:
        run_id: The run's id.
        mode: "files", "topic-files", "kafka-files" or "kafka-topic".
        inputs: Input records read.
        analyzed: Inputs analysed (inputs minus dead letters, counted by offset on Kafka).
        alerts: Alerts per level.
        deadletters: Inputs rejected.
        seconds: Wall-clock duration of the processing.
        knowledge_version: Fingerprint of the knowledge used.
        topics: The run's output topics (Kafka runs), by destination.
    """

    run_id: str
    mode: str
    inputs: int = 0
    analyzed: int = 0
    alerts: Counter[str] = field(default_factory=Counter)
    deadletters: int = 0
    seconds: float = 0.0
    knowledge_version: str = ""
    topics: dict[str, str] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Input records per second."""
        return self.inputs / self.seconds if self.seconds > 0 else 0.0

    def counts(self) -> dict[str, Any]:
        """The counts as a JSON-ready dict (used by the manifest)."""
        return {"inputs": self.inputs, "analyzed": self.analyzed,
                "alerts": sum(self.alerts.values()),
                "alerts_by_level": {lvl: self.alerts.get(lvl, 0) for lvl in LEVELS},
                "deadletters": self.deadletters}

    def format(self) -> str:
        """One human-readable paragraph for the terminal."""
        levels = ", ".join(f"{lvl} {self.alerts.get(lvl, 0)}" for lvl in LEVELS)
        lines = [f"replay {self.run_id} ({self.mode}): {self.inputs} articles, "
                 f"{sum(self.alerts.values())} alerts ({levels}), {self.deadletters} dead letters,"
                 f" {self.rate:.1f} articles/s over {self.seconds:.2f} s",
                 f"  knowledge {self.knowledge_version}"]
        lines += [f"  {name}: {topic}" for name, topic in self.topics.items()]
        return "\n".join(lines)
