"""The story step: group an analysed article into a story, update the story alert and
the trend windows. Pure and deterministic: the same inputs in the same order give
the same outputs, byte for byte."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from streams.stories.grouping import Context, GroupingOptions, Match, StoryIndex, story_id_for
from streams.stories.similarity import Features, features
from streams.stories.story import Story, StoryOptions
from streams.stories.trends import TrendEngine, TrendOptions

__all__ = ["StoryEngine", "StoryInput", "StoryOutput", "context_of", "parse_time"]

SWEEP = 3600.0
"""Event-time step at which quiet stories are checked for a level drop or closing."""


def parse_time(value: str | None) -> float | None:
    """Unix seconds of an RFC 3339 time, None when absent or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class StoryInput:
    """One analysed article.

    Attributes:
        article_id: The article id.
        text: Body text.
        analysis: Its ``analysis.v1`` dict.
        title: Headline.
        url: Page address.
        source: Outlet (publisher or feed) name.
        published_at: RFC 3339 event time (the analysis' when absent).
    """

    article_id: str
    text: str
    analysis: dict[str, Any]
    title: str = ""
    url: str = ""
    source: str = ""
    published_at: str | None = None


@dataclass(frozen=True, slots=True)
class StoryOutput:
    """What one article produced.

    Attributes:
        story_id: The story it belongs to (to put on the analysis).
        match: How it was grouped.
        story_alerts: ``story_alert.v1`` records (its story's update, quiet stories' drops).
        trends: ``trend.v1`` records.
        late: True when it arrived after its story window had expired.
    """

    story_id: str
    match: Match
    story_alerts: tuple[dict[str, Any], ...]
    trends: tuple[dict[str, Any], ...]
    late: bool = False


def context_of(analysis: dict[str, Any]) -> Context:
    """Actors, event types and places of an analysis' political signals."""
    actors: set[str] = set()
    types: set[str] = set()
    places: set[str] = set()
    by_id = {a["id"]: a for a in analysis.get("actors") or []}
    for s in analysis.get("signals") or []:
        if s.get("political") is False:
            continue
        types.add(s["type"])
        for ref in (s.get("source"), s.get("target"), s.get("speaker")):
            if ref and not ref.startswith("agent:"):
                actors.add(ref)
                actor = by_id.get(ref)
                if actor is not None:
                    c = ref if actor.get("type") == "country" else actor.get("country")
                    if c:
                        places.add(c)
    return Context(frozenset(actors), frozenset(types), frozenset(places))


class StoryEngine:
    """Grouping, story alerts and trends over one stream of analysed articles."""

    def __init__(self, grouping: GroupingOptions | None = None,
                 stories: StoryOptions | None = None,
                 trends: TrendOptions | None = None) -> None:
        """Start empty."""
        self.index = StoryIndex(grouping)
        self.story_options = stories or StoryOptions()
        self.stories: dict[str, Story] = {}
        self.trends = TrendEngine(trends, story_lookup=self._story_info)
        self.watermark = float("-inf")
        self._next_sweep = float("-inf")
        self._closed: dict[str, float] = {}
        # Article id -> its story id, by event time, for redeliveries (see StoryOptions).
        self._seen: dict[str, str] = {}
        self._seen_order: list[tuple[float, str]] = []
        self.stats = {"articles": 0, "late": 0, "redeliveries": 0, "stories": 0}

    def _story_info(self, story_id: str) -> dict[str, Any] | None:
        story = self.stories.get(story_id)
        if story is None:
            return None
        return {"title": story.title, "articles": story.articles,
                "evidence": [dict(e) for e in story.evidence]}

    def _advance(self, time: float) -> list[dict[str, Any]]:
        if time <= self.watermark:
            return []
        self.watermark = time
        horizon = time - self.story_options.redelivery_memory
        order = self._seen_order
        while order and order[0][0] < horizon:
            self._seen.pop(heapq.heappop(order)[1], None)
        self.index.advance(time)
        self.trends.advance(time)
        if time < self._next_sweep:
            return []
        self._next_sweep = (time // SWEEP + 1) * SWEEP
        return self._sweep(time)

    def _sweep(self, now: float) -> list[dict[str, Any]]:
        opts = self.story_options
        out: list[dict[str, Any]] = []
        keep = self.index.options.window + self.index.options.grace
        for sid in [s for s, t in self._closed.items() if now - t > keep]:
            del self._closed[sid]
        for sid in sorted(self.stories):
            story = self.stories[sid]
            quiet = now - story.last_seen
            if quiet < opts.quiet_step:
                continue
            if quiet >= opts.window:
                story.closed = True
                at = story.last_seen + opts.window
                record = story.update(at, opts, at)
                if record is not None:
                    out.append(record)
                del self.stories[sid]
                self._closed[sid] = now
                continue
            at = story.last_seen + (quiet // opts.quiet_step) * opts.quiet_step
            record = story.update(at, opts, at)
            if record is not None:
                out.append(record)
        return out

    def process(self, item: StoryInput, feats: Features | None = None) -> StoryOutput:
        """Group one article, update its story and the trends; returns what to publish.

        ``feats`` are the article's features when already computed (the worker computes
        them before the repartition, so ``item.text`` may then be empty)."""
        self.stats["articles"] += 1
        t = parse_time(item.published_at or item.analysis.get("published_at"))
        if t is None:
            t = self.watermark if self.watermark != float("-inf") else 0.0
        alerts = self._advance(t)
        known = self._seen.get(item.article_id)
        if known is not None:  # a redelivery: its first answer, nothing changes
            self.stats["redeliveries"] += 1
            return StoryOutput(known, Match(known, "redelivery", item.article_id, 1.0),
                               tuple(alerts), ())
        feats = feats if feats is not None else features(item.text, item.title, item.url)
        ctx = context_of(item.analysis)
        match = self.index.match(item.article_id, t, feats, ctx)
        if match.story_id in self._closed and match.reason != "redelivery":
            # The story closed (quiet for the whole window): this is a new one.
            match = Match(story_id_for(item.article_id), "new", None, 1.0)
        if match.reason == "redelivery":
            self.stats["redeliveries"] += 1
            return StoryOutput(match.story_id, match, tuple(alerts), ())
        late = t < self.watermark - self.index.options.window
        if late:
            self.stats["late"] += 1
        self.index.add(item.article_id, match.story_id, t, feats, ctx)
        self._seen[item.article_id] = match.story_id
        heapq.heappush(self._seen_order, (t, item.article_id))
        story = self.stories.get(match.story_id)
        if story is None:
            story = Story(match.story_id, item.article_id, item.title, t, t)
            self.stories[match.story_id] = story
            self.stats["stories"] += 1
        story.add(item.article_id, t, item.source, match.repost, item.analysis,
                  self.story_options)
        record = story.update(max(t, self.watermark), self.story_options, t)
        if record is not None:
            alerts.append(record)
        trends = self.trends.add(item.article_id, match.story_id, t, item.analysis)
        return StoryOutput(match.story_id, match, tuple(alerts), tuple(trends), late)
