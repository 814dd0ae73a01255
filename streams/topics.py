"""Topic names, in one place. Each can be renamed through the environment."""

from __future__ import annotations

__all__ = ["ALERTS", "ANALYZED", "DEADLETTER", "RAW"]

RAW = "articles.raw"
ANALYZED = "articles.analyzed"
ALERTS = "monitoring.alerts"
DEADLETTER = "articles.deadletter"
