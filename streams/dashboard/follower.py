"""Follow the alert, analysis, article and trend topics in a background thread.

One kafka-python consumer without a consumer group (the dashboard commits
nothing and never disturbs the worker's group) is assigned the partitions
itself:

1. ``monitoring.alerts`` first, from ``max(beginning, end - capacity)`` of each
   partition: the history, bounded;
2. once that history is read, ``articles.analyzed`` and ``articles.raw`` from
   the time of the oldest alert kept (or now, with none), minus a margin, found with
   ``offsets_for_times``, so their texts and analyses can be joined without
   reading the whole archive; the trends topic from its last records;
3. then everything live. Topics and partitions that appear later (the worker
   creates its topics when it starts) are picked up on the next metadata
   refresh.

Broker restarts are kafka-python's business: it reconnects and the consumer
keeps its positions. Anything else that goes wrong ends the session; a new
consumer is made after a backoff (0.5 s doubling to 15 s) and resumes at the
positions reached, so the dashboard starts in any order with the broker and
the worker and survives their restarts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from streams import codec
from streams.config import Settings

__all__ = ["Backoff", "Batch", "Follower"]

log = logging.getLogger(__name__)

HISTORY_MARGIN_MS = 10 * 60 * 1000
"""How far before the oldest kept alert articles and analyses are read."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Records handed to the dashboard, by kind."""

    alerts: list[tuple[Any, int]]
    analyses: list[Any]
    articles: list[Any]
    trends: list[tuple[bytes | None, Any, int]]
    history_done: bool = False


class Backoff:
    """Exponential backoff: 0.5 s, 1 s, 2 s ... up to ``maximum``; ``reset`` after success."""

    def __init__(self, first: float = 0.5, maximum: float = 15.0) -> None:
        """Start at ``first`` seconds."""
        self.first, self.maximum = first, maximum
        self.current = first

    def next(self) -> float:
        """The delay to wait now; the following one doubles."""
        delay = self.current
        self.current = min(self.current * 2, self.maximum)
        return delay

    def reset(self) -> None:
        """Back to the first delay."""
        self.current = self.first


def _decode(value: bytes | None) -> Any:
    if value is None:
        return None
    try:
        return codec.loads(value)
    except Exception:  # not JSON: the store rejects it
        return None


class Follower:
    """The consumer thread. ``on_batch`` and ``on_status`` are called from it."""

    def __init__(self, settings: Settings, on_batch: Callable[[Batch], None],
                 on_status: Callable[[dict[str, Any]], None], *, capacity: int,
                 trend_capacity: int = 500,
                 consumer_factory: Callable[..., Any] | None = None) -> None:
        """Prepare; :meth:`start` starts the thread."""
        self.settings = settings
        self.on_batch, self.on_status = on_batch, on_status
        self.capacity, self.trend_capacity = capacity, trend_capacity
        self.topics = {"alerts": settings.topic_alerts, "analyses": settings.topic_analyzed,
                       "articles": settings.topic_raw, "trends": settings.topic_trends}
        self._kind = {v: k for k, v in self.topics.items()}
        self._factory = consumer_factory
        self._positions: dict[Any, int] = {}
        self._history_done = False
        self._oldest_alert_ms: int | None = None
        self._seen_topics: set[str] | None = None
        self._late_topics: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.backoff = Backoff()
        self.sessions = 0

    def start(self) -> None:
        """Run in a daemon thread."""
        self._thread = threading.Thread(target=self.run, name="dashboard-follower", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _status(self, state: str, detail: str = "") -> None:
        self.on_status({"state": state, "detail": detail, "history": self._history_done})

    def _consumer(self) -> Any:
        if self._factory is not None:
            return self._factory()
        from streams.clients import consumer

        return consumer(self.settings, consumer_timeout_ms=1000, fetch_max_wait_ms=100,
                        request_timeout_ms=8000, session_timeout_ms=6000,
                        max_partition_fetch_bytes=4 * 1024 * 1024,
                        reconnect_backoff_max_ms=5000)

    def run(self) -> None:
        """Sessions until stopped, with backoff between failed ones."""
        while not self._stop.is_set():
            self.sessions += 1
            try:
                self._status("connecting", self.settings.bootstrap_servers)
                cons = self._consumer()
            except Exception as exc:
                delay = self.backoff.next()
                self._status("unavailable", f"{exc}; retrying in {delay:.1f} s")
                self._stop.wait(delay)
                continue
            try:
                self._session(cons)
            except Exception as exc:
                delay = self.backoff.next()
                log.warning("dashboard consumer failed (%s); new one in %.1f s", exc, delay)
                self._status("unavailable", f"{exc}; retrying in {delay:.1f} s")
                self._stop.wait(delay)
            finally:
                try:
                    cons.close()
                except Exception:  # closing a broken consumer may fail too
                    log.debug("closing the consumer failed", exc_info=True)

    # -- one session -------------------------------------------------------------------

    def _start_offsets(self, cons: Any, parts: list[Any]) -> dict[Any, int]:
        from kafka import TopicPartition

        begin = cons.beginning_offsets(parts)
        end = cons.end_offsets(parts)
        starts: dict[Any, int] = {}
        by_time: list[Any] = []
        for tp in parts:
            kind = self._kind[tp.topic]
            if kind == "alerts":
                starts[tp] = max(begin[tp], end[tp] - self.capacity)
            elif kind == "trends":
                starts[tp] = max(begin[tp], end[tp] - self.trend_capacity)
            elif tp.topic in self._late_topics:
                # Created while the dashboard runs: all of it is recent.
                starts[tp] = begin[tp]
            else:
                by_time.append(tp)
        if by_time:
            # From the oldest kept alert, or with no alert yet from now: minus a margin,
            # for articles published just before the dashboard started.
            oldest = self._oldest_alert_ms
            at = max(0, (oldest if oldest is not None else int(time.time() * 1000))
                     - HISTORY_MARGIN_MS)
            found = cons.offsets_for_times(dict.fromkeys(by_time, at))
            for tp in by_time:
                hit = found.get(tp)
                starts[tp] = hit.offset if hit is not None else end[tp]
        return {TopicPartition(tp.topic, tp.partition): o for tp, o in starts.items()}

    def _discover(self, cons: Any, kinds: set[str]) -> list[Any]:
        from kafka import TopicPartition

        found = []
        for kind in kinds:
            topic = self.topics[kind]
            for p in sorted(cons.partitions_for_topic(topic) or ()):
                found.append(TopicPartition(topic, p))
        return found

    def _session(self, cons: Any) -> None:
        assigned: set[Any] = set()
        kinds = {"alerts"} if not self._history_done else set(self.topics)
        history_end: dict[Any, int] = {}
        next_refresh = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_refresh:
                next_refresh = now + (2.0 if not assigned else 5.0)
                self._refresh(cons, kinds, assigned, history_end)
                if self._history_done:
                    self._status("live")
                elif not assigned:
                    # No alerts topic yet: there is no history to read.
                    self._finish_history(cons)
                    kinds = set(self.topics)
                    next_refresh = 0.0
                    continue
                else:
                    self._status("history")
            batch = self._collect(cons.poll(timeout_ms=200, max_records=5000))
            if not self._history_done and assigned and all(
                    cons.position(tp) >= end for tp, end in history_end.items()):
                self.on_batch(batch)
                self._finish_history(cons)
                kinds = set(self.topics)
                next_refresh = 0.0
                continue
            if batch.alerts or batch.analyses or batch.articles or batch.trends:
                self.on_batch(batch)

    def _refresh(self, cons: Any, kinds: set[str], assigned: set[Any],
                 history_end: dict[Any, int]) -> None:
        """Assign partitions of topics that appeared, and check the broker still answers."""
        # Metadata for topics that may appear later (the worker creates them).
        existing = set(cons.topics())
        if self._history_done:
            if self._seen_topics is None:
                self._seen_topics = existing
            else:
                self._late_topics |= existing - self._seen_topics
        new = [tp for tp in self._discover(cons, kinds) if tp not in assigned]
        if new:
            fresh = [tp for tp in new if tp not in self._positions]
            starts = self._start_offsets(cons, fresh) if fresh else {}
            assigned.update(new)
            cons.assign(sorted(assigned, key=lambda tp: (tp.topic, tp.partition)))
            for tp in new:
                cons.seek(tp, self._positions.get(tp, starts.get(tp, 0)))
            if not self._history_done:
                history_end.update(cons.end_offsets(new))
        # Doubles as a liveness check: raises when no broker answers in time.
        if assigned:
            cons.end_offsets(list(assigned), timeout_ms=5000)
        self.backoff.reset()

    def _collect(self, polled: dict[Any, list[Any]]) -> Batch:
        """Sort polled records by kind into one batch and note the positions reached."""
        batch = Batch([], [], [], [])
        for tp, records in polled.items():
            kind = self._kind.get(tp.topic)
            for rec in records:
                value = _decode(rec.value)
                if kind == "alerts":
                    batch.alerts.append((value, rec.timestamp))
                    if not self._history_done and rec.timestamp >= 0:
                        old = self._oldest_alert_ms
                        self._oldest_alert_ms = rec.timestamp if old is None \
                            else min(old, rec.timestamp)
                elif kind == "analyses":
                    batch.analyses.append(value)
                elif kind == "articles":
                    batch.articles.append(value)
                elif kind == "trends":
                    batch.trends.append((rec.key, value, rec.timestamp))
            if records:
                self._positions[tp] = records[-1].offset + 1
        return batch

    def _finish_history(self, cons: Any) -> None:
        self._history_done = True
        self.on_batch(Batch([], [], [], [], history_done=True))
        self._status("live")
