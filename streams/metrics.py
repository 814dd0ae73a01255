"""Prometheus metrics of the worker, on its own registry.

Served at ``/metrics`` by the worker's web server next to ``/health``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["Metrics"]


class Metrics:
    """The worker's counters and histograms."""

    def __init__(self) -> None:
        """Create the metrics on a private registry (tests make many apps)."""
        self.registry = CollectorRegistry()
        self.articles = Counter(
            "escwatch_articles_processed", "Articles analysed", registry=self.registry)
        self.alerts = Counter(
            "escwatch_alerts", "Alerts raised, by level", ["level"], registry=self.registry)
        self.deadletters = Counter(
            "escwatch_deadletters", "Messages sent to the dead-letter topic, by reason",
            ["reason"], registry=self.registry)
        self.latency = Histogram(
            "escwatch_processing_seconds",
            "Time from taking a message to the broker acknowledging its outputs",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
            registry=self.registry)
        self.lag = Gauge(
            "escwatch_consumer_lag",
            "Messages of an assigned input partition whose outputs are not yet committed "
            "(high watermark minus committed offset)",
            ["topic", "partition"], registry=self.registry)
        self.processed = 0
        """Messages processed (analysed or dead-lettered) since start."""
        self.last_processed: float | None = None
        """Wall time when the last message's outputs were stored."""
        self._lag_labels: set[tuple[str, str]] = set()

    def set_lag(self, lags: Mapping[tuple[str, int], int | None]) -> None:
        """Set ``escwatch_consumer_lag`` for the assigned partitions; drop the others."""
        current: set[tuple[str, str]] = set()
        for (topic, partition), value in lags.items():
            if value is None:
                continue
            labels = (topic, str(partition))
            self.lag.labels(*labels).set(value)
            current.add(labels)
        for labels in self._lag_labels - current:
            self.lag.remove(*labels)
        self._lag_labels = current

    def observe(self, *, level: str | None, error: str | None, seconds: float) -> None:
        """Count one processed message."""
        self.latency.observe(seconds)
        self.processed += 1
        self.last_processed = time.time()
        if error is not None:
            self.deadletters.labels(reason=error).inc()
            return
        self.articles.inc()
        if level is not None:
            self.alerts.labels(level=level).inc()

    def render(self) -> bytes:
        """Return the Prometheus text exposition."""
        return generate_latest(self.registry)
