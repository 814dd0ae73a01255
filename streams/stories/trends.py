"""Trend and spike alerts (``trend.v1`` on ``monitoring.trends``).

Keys: ``actor:<id>``, ``dyad:<source>-><target>`` and ``country:<ISO3>``, taken from an
article's political escalation signals. For each key and each granularity (``hour``,
``day``) the engine keeps tumbling event-time windows. A window counts *stories*, not
articles (30 reposts of one wire story count once; the story alert covers them), and
sums the strongest escalation score of each story.

Each closed window (empty ones included) updates the key's own baseline, an EWMA of
the count's mean and variance (a running mean over the first 1/alpha windows). The
open window fires a trend alert, once, as soon as its count is clearly above the
baseline: at least ``min_count`` stories, a Poisson tail probability
P(X >= count | lambda) <= ``p_value`` with lambda the baseline mean (at least
``floor``), and count >= mean + ``z`` baseline standard deviations (an over-dispersed
key needs more). A key fires only after ``warmup`` windows of history.

Lateness: a window stays open until the watermark (the newest event time seen) passes
its end by ``grace``; an article for a window already closed is counted in
``late_dropped`` (per key, reported on the key's next trend alert, and in
:attr:`TrendEngine.stats`), never silently dropped.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from streams.stories.story import iso

__all__ = ["Granularity", "TrendEngine", "TrendOptions", "keys_of", "poisson_tail"]


@dataclass(frozen=True, slots=True)
class Granularity:
    """One window size and its thresholds."""

    name: str
    size: float
    alpha: float
    min_count: int
    floor: float
    warmup: int


@dataclass(frozen=True, slots=True)
class TrendOptions:
    """Thresholds of trend alerts (see the module docstring)."""

    granularities: tuple[Granularity, ...] = (
        Granularity("hour", 3600.0, alpha=0.05, min_count=3, floor=0.1, warmup=24),
        Granularity("day", 86400.0, alpha=0.05, min_count=4, floor=0.5, warmup=5),
    )
    grace: float = 2 * 3600.0
    p_value: float = 1e-3
    z: float = 3.0
    top_stories: int = 3
    idle_windows: int = 2000


def poisson_tail(count: int, lam: float) -> float:
    """P(X >= count) for X ~ Poisson(lam)."""
    if count <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    if count <= lam:
        # Left side: 1 - CDF(count - 1), summed directly.
        term, cdf = math.exp(-lam), 0.0
        for i in range(count):
            cdf += term
            term *= lam / (i + 1)
        return max(0.0, 1.0 - cdf)
    log_term = -lam + count * math.log(lam) - math.lgamma(count + 1)
    total, i = 0.0, count
    term = math.exp(log_term)
    while term > 1e-300 and i < count + 10_000:
        total += term
        i += 1
        term *= lam / i
        if term < total * 1e-15:
            break
    return min(1.0, total)


def keys_of(analysis: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, key) pairs of an analysis: actors, dyads and countries of its political
    escalation signals. Generic agents (``agent:...``) are no actors of their own."""
    by_id = {a["id"]: a for a in analysis.get("actors") or []}
    seen: dict[tuple[str, str], None] = {}

    def country_of(ref: str) -> str | None:
        actor = by_id.get(ref)
        if actor is None:
            return None
        c = ref if actor.get("type") == "country" else actor.get("country")
        return c if isinstance(c, str) else None

    for s in analysis.get("signals") or []:
        if s.get("political") is False or s.get("polarity") != "escalation":
            continue
        src, tgt = s.get("source"), s.get("target")
        for ref in (src, tgt):
            if ref and not ref.startswith("agent:"):
                seen[("actor", f"actor:{ref}")] = None
            if ref:
                c = country_of(ref)
                if c:
                    seen[("country", f"country:{c}")] = None
        if src and tgt and src != tgt and not src.startswith("agent:") \
                and not tgt.startswith("agent:"):
            seen[("dyad", f"dyad:{src}->{tgt}")] = None
    return list(seen)


@dataclass(slots=True)
class _Window:
    start: float
    stories: dict[str, float] = field(default_factory=dict)
    articles: int = 0
    fired: bool = False


@dataclass(slots=True)
class _KeyState:
    kind: str
    mean: float = 0.0
    var: float = 0.0
    score_mean: float = 0.0
    history: int = 0
    last_closed: float | None = None
    windows: dict[float, _Window] = field(default_factory=dict)
    late_dropped: int = 0
    last_active: float = 0.0


class TrendEngine:
    """Windows and baselines per key; :meth:`add` returns the trend alerts to publish."""

    def __init__(self, options: TrendOptions | None = None,
                 story_lookup: Callable[[str], dict[str, Any] | None] | None = None) -> None:
        """Start empty; ``story_lookup`` gives a story's title and evidence for top stories."""
        self.options = options or TrendOptions()
        self._lookup = story_lookup or (lambda _sid: None)
        self._state: dict[tuple[str, str], _KeyState] = {}
        # Due times, so that advancing touches only what is due, not every key: open
        # windows by closing time, and keys without windows by the time they go idle.
        self._closing: list[tuple[float, str, str, float]] = []
        self._idle: list[tuple[float, str, str]] = []
        self.watermark = float("-inf")
        self.stats = {"articles": 0, "late_accepted": 0, "late_dropped": 0, "alerts": 0}

    def __len__(self) -> int:
        """Keys (times granularities) with state."""
        return len(self._state)

    def advance(self, time: float) -> None:
        """Move the watermark; close windows past their grace, fold them into baselines."""
        if time <= self.watermark:
            return
        self.watermark = time
        gran = {g.name: g for g in self.options.granularities}
        closing = self._closing
        while closing and closing[0][0] <= time:
            _, key, gname, start = heapq.heappop(closing)
            st = self._state.get((key, gname))
            w = st.windows.pop(start, None) if st is not None else None
            if st is None or w is None:
                continue
            g = gran[gname]
            self._close(st, w, g)
            if not st.windows:
                self._push_idle(key, st, g)
        idle = self._idle
        while idle and idle[0][0] < time:
            _, key, gname = heapq.heappop(idle)
            st = self._state.get((key, gname))
            if st is not None and not st.windows and \
                    time - st.last_active > gran[gname].size * self.options.idle_windows:
                del self._state[(key, gname)]  # idle for long: baseline near zero, forget it

    def _push_idle(self, key: str, st: _KeyState, g: Granularity) -> None:
        """Note when a key without open windows goes idle (checked again then)."""
        heapq.heappush(self._idle,
                       (st.last_active + g.size * self.options.idle_windows, key, g.name))

    def _fold(self, st: _KeyState, count: float, score: float, g: Granularity) -> None:
        # Plain running mean over the first 1/alpha windows, EWMA after: no start-up bias
        # towards zero (which would make every young key look like a surge).
        alpha = max(g.alpha, 1.0 / (st.history + 1))
        diff = count - st.mean
        incr = alpha * diff
        st.mean += incr
        st.var = (1 - alpha) * (st.var + diff * incr)
        st.score_mean += alpha * (score - st.score_mean)
        st.history += 1

    def _close(self, st: _KeyState, w: _Window, g: Granularity) -> None:
        if st.last_closed is not None:
            gap = round((w.start - st.last_closed) / g.size) - 1
            for _ in range(max(0, min(gap, self.options.idle_windows))):
                self._fold(st, 0.0, 0.0, g)
        self._fold(st, float(len(w.stories)), sum(w.stories.values()), g)
        st.last_closed = w.start

    def add(self, article_id: str, story_id: str, time: float,
            analysis: dict[str, Any]) -> list[dict[str, Any]]:
        """Count one analysed article; returns the trend alerts it fires."""
        self.stats["articles"] += 1
        keys = keys_of(analysis)
        if not keys:
            return []
        score = float(analysis.get("score") or 0.0)
        out: list[dict[str, Any]] = []
        for g in self.options.granularities:
            start = math.floor(time / g.size) * g.size
            closed = start + g.size + self.options.grace <= self.watermark
            for kind, key in keys:
                st = self._state.get((key, g.name))
                if st is None:
                    st = self._state[(key, g.name)] = _KeyState(kind, last_active=time)
                    self._push_idle(key, st, g)
                if closed or (st.last_closed is not None and start <= st.last_closed):
                    st.late_dropped += 1
                    self.stats["late_dropped"] += 1
                    continue
                if start + g.size <= self.watermark:
                    self.stats["late_accepted"] += 1
                st.last_active = max(st.last_active, time)
                w = st.windows.get(start)
                if w is None:
                    w = st.windows[start] = _Window(start)
                    heapq.heappush(self._closing,
                                   (start + g.size + self.options.grace, key, g.name, start))
                w.articles += 1
                w.stories[story_id] = max(w.stories.get(story_id, 0.0), score)
                alert = self._check(key, st, w, g)
                if alert is not None:
                    out.append(alert)
        self.stats["alerts"] += len(out)
        return out

    def _check(self, key: str, st: _KeyState, w: _Window, g: Granularity) -> \
            dict[str, Any] | None:
        if w.fired or st.history < g.warmup:
            return None
        count = len(w.stories)
        if count < g.min_count:
            return None
        lam = max(st.mean, g.floor)
        sd = math.sqrt(max(st.var, 0.0))
        p = poisson_tail(count, lam)
        if p > self.options.p_value or count < st.mean + self.options.z * sd:
            return None
        w.fired = True
        return self._record(key, st, w, g, count, lam, sd, p)

    def _record(self, key: str, st: _KeyState, w: _Window, g: Granularity, count: int,
                lam: float, sd: float, p: float) -> dict[str, Any]:
        ranked = sorted(w.stories.items(), key=lambda kv: (-kv[1], kv[0]))
        top = []
        for sid, sc in ranked[:self.options.top_stories]:
            info = self._lookup(sid) or {}
            top.append({"story_id": sid, "score": round(sc, 2), "title": info.get("title", ""),
                        "articles": info.get("articles", 0),
                        "evidence": info.get("evidence", [])[:1]})
        late, st.late_dropped = st.late_dropped, 0
        digest = hashlib.sha256(f"{key}:{g.name}:{w.start}".encode()).hexdigest()[:24]
        score_sum = sum(w.stories.values())
        return {
            "schema": "trend.v1",
            "id": f"trd_{digest}",
            "key": key,
            "kind": st.kind,
            "window": g.name,
            "window_start": iso(w.start),
            "window_end": iso(w.start + g.size),
            "count": count,
            "articles": w.articles,
            "baseline_mean": round(st.mean, 4),
            "baseline_sd": round(sd, 4),
            "expected": round(lam, 4),
            "z": round((count - st.mean) / sd, 2) if sd > 0 else None,
            "p_value": float(f"{p:.3g}"),
            "score_sum": round(score_sum, 2),
            "baseline_score": round(st.score_mean, 2),
            "history_windows": st.history,
            "late_dropped": late,
            "summary": f"{key}: {count} stories in the {g.name} from {iso(w.start)}, "
                       f"baseline {st.mean:.2f}",
            "top_stories": top,
        }
