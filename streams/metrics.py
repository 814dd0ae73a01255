"""Prometheus metrics of the worker, on its own registry.

Served at ``/metrics`` by the worker's web server next to ``/health``.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

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

    def observe(self, *, level: str | None, error: str | None, seconds: float) -> None:
        """Count one processed message."""
        self.latency.observe(seconds)
        if error is not None:
            self.deadletters.labels(reason=error).inc()
            return
        self.articles.inc()
        if level is not None:
            self.alerts.labels(level=level).inc()

    def render(self) -> bytes:
        """Return the Prometheus text exposition."""
        return generate_latest(self.registry)
