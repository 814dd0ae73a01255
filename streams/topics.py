"""Topic names, in one place. Each can be renamed through the environment."""

from __future__ import annotations

__all__ = ["ALERTS", "ANALYZED", "DEADLETTER", "RAW", "STORY_ASSIGNED", "STORY_INPUT", "TRENDS"]

RAW = "articles.raw"
ANALYZED = "articles.analyzed"
ALERTS = "monitoring.alerts"
DEADLETTER = "articles.deadletter"

# Stories and trends (streams/stories/agents.py)
STORY_INPUT = "stories.input"
"""Repartition topic of the story step: one partition, key = article id."""
STORY_ASSIGNED = "stories.assigned"
"""Article-to-story assignments, key = story id (feeds the story-articles table)."""
TRENDS = "monitoring.trends"
"""trend.v1 records, key = trend key (actor:, dyad:, country:)."""
