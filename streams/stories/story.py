"""Story state and the ``story_alert.v1`` record: one alert per story, updated as it grows.

A story's level starts from the strongest alert level among its articles. It rises
one step when ``corroboration`` independent sources report it (distinct outlets whose
article is not a repost of an earlier one: 30 outlets printing the same wire copy are
one source), and falls one step per ``quiet_step`` of event time without a new
article (never below ``low``); after ``window`` without one the story closes. An
update is published only when the level, the status, the set of actors or the set of
event types changed: a repost that adds nothing an analyst cares about stays silent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["LEVELS", "Story", "StoryOptions", "iso"]

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")


def iso(t: float) -> str:
    """RFC 3339 UTC time of a Unix timestamp."""
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class StoryOptions:
    """Thresholds of story alerts (see the module docstring)."""

    corroboration: int = 3
    quiet_step: float = 24 * 3600.0
    window: float = 72 * 3600.0
    max_articles_listed: int = 20
    max_sources_listed: int = 50
    max_actors: int = 50
    max_evidence: int = 3
    redelivery_memory: float = 7 * 24 * 3600.0
    """Event time an article id is remembered after it arrived, so that a redelivery
    (at-least-once: a restarted worker republishes what it had not committed) gets
    its first answer back even after the grouping index and the story dropped it."""


def _level_index(level: str | None) -> int:
    return LEVELS.index(level) + 1 if level in LEVELS else 0


@dataclass(slots=True)
class Story:
    """Everything kept about one story (bounded lists)."""

    story_id: str
    first_article_id: str
    title: str
    first_seen: float
    last_seen: float
    articles: int = 0
    article_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    independent: list[str] = field(default_factory=list)
    sources_total: int = 0
    reposts: int = 0
    base_level: int = 0
    score: float = 0.0
    actors: dict[str, str] = field(default_factory=dict)
    signal_types: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    revision: int = 0
    published: tuple[int, str, frozenset[str], frozenset[str]] | None = None
    closed: bool = False

    def add(self, article_id: str, time: float, source: str, repost: bool,
            analysis: dict[str, Any], options: StoryOptions) -> None:
        """Take one more article of the story into account."""
        self.articles += 1
        self.first_seen = min(self.first_seen, time)
        self.last_seen = max(self.last_seen, time)
        if len(self.article_ids) < options.max_articles_listed:
            self.article_ids.append(article_id)
        if repost:
            self.reposts += 1
        outlet = source or f"unknown:{article_id}"
        if outlet not in self.sources:
            self.sources_total += 1
            if len(self.sources) < options.max_sources_listed:
                self.sources.append(outlet)
        if not repost and outlet not in self.independent \
                and len(self.independent) < options.max_sources_listed:
            self.independent.append(outlet)
        alert = analysis.get("alert")
        if isinstance(alert, dict):
            self.base_level = max(self.base_level, _level_index(alert.get("level")))
            self.score = max(self.score, float(alert.get("score") or 0.0))
            names = alert.get("actor_names") or []
            for i, actor in enumerate(alert.get("actors") or []):
                if actor not in self.actors and len(self.actors) < options.max_actors:
                    self.actors[actor] = names[i] if i < len(names) else actor
            for st in alert.get("signal_types") or []:
                if st not in self.signal_types:
                    self.signal_types.append(st)
            self._evidence(article_id, analysis, options)
        for c in _countries(analysis):
            if c not in self.countries and len(self.countries) < options.max_actors:
                self.countries.append(c)

    def _evidence(self, article_id: str, analysis: dict[str, Any], options: StoryOptions) -> None:
        for s in analysis.get("signals") or []:
            if s.get("political") is False or s.get("polarity") != "escalation":
                continue
            item = {"article_id": article_id, "sentence": s["sentence"], "start": s["start"],
                    "end": s["end"], "signal_type": s["type"], "trigger": s["trigger"],
                    "modality": s["modality"], "severity": s["severity"]}
            if any(e["sentence"] == item["sentence"] and e["trigger"] == item["trigger"]
                   for e in self.evidence):
                continue  # the same quote in a repost
            self.evidence.append(item)
        # Strongest first (most negative severity), ties by article and offset: deterministic.
        self.evidence.sort(key=lambda e: (e["severity"], e["article_id"], e["start"]))
        del self.evidence[options.max_evidence:]

    def level(self, now: float, options: StoryOptions) -> int:
        """The level at event time ``now``: corroboration up, quiet time down (0: none)."""
        if self.base_level == 0:
            return 0
        level = self.base_level
        if len(self.independent) >= options.corroboration:
            level += 1
        quiet = max(0.0, now - self.last_seen)
        level -= int(quiet // options.quiet_step)
        return max(1, min(len(LEVELS), level))

    def update(self, now: float, options: StoryOptions, reason_time: float) -> \
            dict[str, Any] | None:
        """The ``story_alert.v1`` record to publish, or None when nothing that matters changed."""
        level = self.level(now, options)
        if level == 0:
            return None
        status = "closed" if self.closed else "open"
        state = (level, status, frozenset(self.actors), frozenset(self.signal_types))
        previous = self.published
        if previous == state:
            return None
        changes: list[str] = []
        if previous is None:
            changes.append("new")
        else:
            if level > previous[0]:
                changes.append("level_up")
            elif level < previous[0]:
                changes.append("level_down")
            if state[2] - previous[2]:
                changes.append("new_actor")
            if state[3] - previous[3]:
                changes.append("new_event_type")
            if status != previous[1] and status == "closed":
                changes.append("closed")
            if not changes:  # e.g. an actor set that only shrank: never happens, sets grow
                changes.append("changed")
        self.published = state
        self.revision += 1
        return self._record(level, status, changes, previous, reason_time)

    def _record(self, level: int, status: str, changes: list[str],
                previous: tuple[int, str, frozenset[str], frozenset[str]] | None,
                time: float) -> dict[str, Any]:
        digest = hashlib.sha256(f"{self.story_id}:{self.revision}".encode()).hexdigest()[:24]
        lvl = LEVELS[level - 1]
        top = self.evidence[0] if self.evidence else None
        summary = (f"{lvl} story, {self.articles} article(s) from {self.sources_total} "
                   f"source(s), {len(self.independent)} independent")
        if top is not None:
            summary += f": {top['signal_type']} - \"{top['trigger']}\""
        return {
            "schema": "story_alert.v1",
            "id": f"sta_{digest}",
            "story_id": self.story_id,
            "revision": self.revision,
            "status": status,
            "changes": changes,
            "level": lvl,
            "previous_level": LEVELS[previous[0] - 1] if previous else None,
            "score": round(self.score, 2),
            "time": iso(time),
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "title": self.title,
            "summary": summary,
            "first_article_id": self.first_article_id,
            "articles": self.articles,
            "reposts": self.reposts,
            "article_ids": list(self.article_ids),
            "sources": self.sources_total,
            "source_names": list(self.sources),
            "independent_sources": len(self.independent),
            "actors": list(self.actors),
            "actor_names": list(self.actors.values()),
            "signal_types": list(self.signal_types),
            "countries": list(self.countries),
            "evidence": [dict(e) for e in self.evidence],
        }


def _countries(analysis: dict[str, Any]) -> list[str]:
    """Countries of the political signals' source and target actors."""
    by_id = {a["id"]: a for a in analysis.get("actors") or []}
    out: list[str] = []
    for s in analysis.get("signals") or []:
        if s.get("political") is False:
            continue
        for ref in (s.get("source"), s.get("target")):
            if not ref:
                continue
            actor = by_id.get(ref)
            country = None
            if actor is not None:
                country = ref if actor.get("type") == "country" else actor.get("country")
            if country and country not in out:
                out.append(country)
    return out
