"""Readiness of the worker, as ``/health`` reports it.

A :class:`Readiness` is updated by a timer of the Faust app every
``interval`` seconds: it asks the broker for metadata (through the app's
producer client, so TLS/SASL apply), reads the consumer's assigned partitions,
their high watermarks and committed offsets, and sets the consumer-lag gauge.
``/health`` then answers from the last check, so a request never waits on a
broker that is gone.

Ready means: the broker answered the last probe, partitions are assigned, and
the worker is not stalled (input is waiting and nothing was processed for
``stale_after`` seconds). Each change of broker reachability or readiness is
logged once; while the broker stays away a summary line is logged every
``summary_every`` seconds, never more.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from streams import reconnect
from streams.metrics import Metrics

__all__ = ["Readiness"]

log = logging.getLogger("escwatch.health")


@dataclass
class Readiness:
    """The last known readiness of one worker.

    Attributes:
        bootstrap: Broker list (for messages).
        stale_after: Seconds of no progress with input waiting that count as stalled.
        summary_every: Seconds between "still unreachable" log lines.
        reachable: Whether the broker answered the last probe (None before the first).
        error: Why the last probe failed.
        partitions: Assigned partitions as ``topic:partition`` to their lag.
        since_change: Wall time of the last reachability change.
    """

    bootstrap: str
    stale_after: float = 60.0
    summary_every: float = 30.0
    reachable: bool | None = None
    error: str | None = None
    partitions: dict[str, int | None] = field(default_factory=dict)
    since_change: float = field(default_factory=time.time)
    _ready: bool | None = None
    _last_summary: float = 0.0
    _progress_at: float = field(default_factory=time.time)
    _last_count: int = -1

    def lag(self) -> int | None:
        """Total consumer lag over the assigned partitions (None when unknown)."""
        known = [v for v in self.partitions.values() if v is not None]
        return sum(known) if known else None

    def stalled(self, now: float) -> bool:
        """Input is waiting and nothing was processed for ``stale_after`` seconds."""
        lag = self.lag()
        return bool(lag) and now - self._progress_at > self.stale_after

    def ready(self, now: float | None = None) -> bool:
        """Broker reachable, partitions assigned, not stalled."""
        now = time.time() if now is None else now
        return bool(self.reachable) and bool(self.partitions) and not self.stalled(now)

    def note_broker(self, reachable: bool, error: str | None, now: float) -> None:
        """Record a probe result; log a change once, and a summary while it stays down."""
        if reachable != self.reachable:
            if reachable:
                if self.reachable is False:
                    log.warning("broker reachable again at %s after %.0f s", self.bootstrap,
                                now - self.since_change)
            else:
                log.warning("broker unreachable at %s: %s", self.bootstrap, error)
            self.reachable = reachable
            self.since_change = now
            self._last_summary = now
        elif not reachable and now - self._last_summary >= self.summary_every:
            log.warning("broker still unreachable at %s for %.0f s: %s", self.bootstrap,
                        now - self.since_change, error)
            self._last_summary = now
        self.error = error

    def note_progress(self, processed: int, now: float) -> None:
        """Remember when the processed count last moved (for the stall check)."""
        if processed != self._last_count or not self.lag():
            self._last_count = processed
            self._progress_at = now

    def note_ready(self, now: float) -> bool:
        """Log a readiness change once; return the readiness."""
        ready = self.ready(now)
        if ready != self._ready:
            if self._ready is not None or not ready:
                log.warning("worker %s", "ready" if ready else
                            f"not ready: {', '.join(self.reasons(now))}")
            self._ready = ready
        return ready

    def reasons(self, now: float) -> list[str]:
        """Why the worker is not ready (empty when it is)."""
        out = []
        if not self.reachable:
            out.append("broker unreachable" if self.reachable is False else "broker not checked")
        if not self.partitions:
            out.append("no partitions assigned")
        if self.stalled(now):
            out.append(f"no progress for {now - self._progress_at:.0f} s with lag {self.lag()}")
        return out

    def body(self, metrics: Metrics, extra: dict[str, Any]) -> dict[str, Any]:
        """The ``/health`` JSON body."""
        now = time.time()
        ready = self.ready(now)
        last = metrics.last_processed
        return {
            "status": "ok" if ready else "not_ready",
            "ready": ready,
            "reasons": self.reasons(now),
            "broker": {"reachable": bool(self.reachable), "bootstrap": self.bootstrap,
                       "error": self.error,
                       "since": _iso(self.since_change)},
            "partitions": dict(sorted(self.partitions.items())),
            "consumer_lag": self.lag(),
            "last_processed_at": _iso(last) if last else None,
            "processed": metrics.processed,
            **extra,
        }


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts % 1 * 1000):03d}Z"


async def probe_broker(app: Any, timeout: float) -> str | None:
    """Ask the broker for cluster metadata through the app's producer client.

    Returns:
        None when a broker answered, else the reason.
    """
    producer = getattr(app.producer, "_producer", None)
    client = getattr(producer, "client", None)
    if client is None:
        return "producer not started"
    try:
        answered = await asyncio.wait_for(reconnect.probe_metadata(client), timeout)
    except asyncio.CancelledError:
        raise
    except TimeoutError:
        return f"no metadata answer within {timeout:g} s"
    except Exception as exc:  # any failure means: not reachable
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return None if answered else "no broker answered a metadata request"


def consumer_lag(app: Any, log_starts: Mapping[tuple[str, int], int] | None = None,
                 ) -> dict[tuple[str, int], int | None]:
    """Lag per assigned input partition: high watermark minus committed offset.

    The committed offset is Faust's (the next offset to read, committed after
    the outputs of everything before it are stored), so the lag counts every
    message whose outputs are not yet safely stored. None when the high
    watermark is not known yet.

    With ``log_starts`` (each partition's first offset still stored), records that
    retention deleted before the committed offset, or before anything was
    committed, are not counted: nobody can read them, so they are no lag.
    """
    consumer = app.consumer
    try:
        assigned = consumer.assignment()
    except Exception:  # not started yet
        return {}
    committed: Any = getattr(consumer, "_committed_offset", {})
    out: dict[tuple[str, int], int | None] = {}
    for tp in assigned:
        if tp.topic.endswith("__assignor-__leader"):
            continue  # Faust's own leader-election topic, not input
        try:
            high = consumer.highwater(tp)
        except Exception:
            high = None
        done = committed.get(tp) if hasattr(committed, "get") else None
        key = (tp.topic, tp.partition)
        if high is None or high < 0:
            out[key] = None
        else:
            start = max(int(done or 0), (log_starts or {}).get(key, 0))
            out[key] = max(0, int(high) - start)
    return out


async def log_starts(app: Any, keys: Iterable[tuple[str, int]],
                     timeout: float) -> dict[tuple[str, int], int]:
    """The first stored offset of each assigned partition in ``keys`` (one
    ListOffsets request); empty when the broker does not answer in ``timeout``."""
    wanted = set(keys)
    consumer = app.consumer
    try:
        tps = [tp for tp in consumer.assignment() if (tp.topic, tp.partition) in wanted]
        if not tps:
            return {}
        found = await asyncio.wait_for(consumer.earliest_offsets(*tps), timeout)
    except Exception:  # not started, or the broker is away: keep the plain lag
        return {}
    return {(tp.topic, tp.partition): int(offset) for tp, offset in found.items()
            if offset is not None and int(offset) >= 0}


async def check(app: Any, state: Readiness, metrics: Metrics, timeout: float) -> None:
    """One readiness check: probe, partitions, lag, progress; updates the gauge."""
    error = await probe_broker(app, timeout)
    now = time.time()
    state.note_broker(error is None, error, now)
    lags = consumer_lag(app)
    behind = [key for key, lag in lags.items() if lag]
    if behind:
        # Only when there seems to be lag: it may be records retention deleted.
        lags = consumer_lag(app, await log_starts(app, behind, timeout))
    state.partitions = {f"{t}:{p}": v for (t, p), v in lags.items()}
    metrics.set_lag(lags)
    state.note_progress(metrics.processed, now)
    state.note_ready(now)
