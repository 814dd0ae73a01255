"""The Faust application: thin wiring from articles.raw to the output topics.

The agent decodes nothing itself: :func:`streams.pipeline.route` does the
work and returns the records to publish. Concurrency stays at 1 (faust-streaming
issue 606 loses messages with more) and processing is at-least-once; outputs
are idempotent because alert ids are derived from the article and evidence.
"""

from __future__ import annotations

import logging
import ssl
import time
from typing import Any

import faust
from faust.web import Request, Response, View

from streams import __version__
from streams.config import Settings
from streams.core.analyze import AnalysisOptions, Analyzer
from streams.core.scoring import ScoringOptions
from streams.knowledge.loader import load_knowledge
from streams.metrics import Metrics
from streams.pipeline import Origin, route

__all__ = ["build_analyzer", "create_app"]

log = logging.getLogger(__name__)


def build_analyzer(settings: Settings) -> Analyzer:
    """Load the knowledge base and compile the core once."""
    options = AnalysisOptions(scoring=ScoringOptions(alert_threshold=settings.alert_threshold))
    return Analyzer(load_knowledge(settings.knowledge_dir), options)


def _credentials(settings: Settings) -> Any:
    sec = settings.security
    if sec.protocol == "PLAINTEXT":
        return None
    context = None
    if "SSL" in sec.protocol:
        context = ssl.create_default_context(cafile=sec.ssl_cafile)
        if sec.ssl_certfile:
            context.load_cert_chain(sec.ssl_certfile, sec.ssl_keyfile)
    if sec.protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=sec.sasl_username, password=sec.sasl_password,
            mechanism=sec.sasl_mechanism, ssl_context=context)
    return faust.SSLCredentials(context)


def faust_broker_url(bootstrap: str) -> str:
    """Turn ``host:port,host:port`` into Faust's ``kafka://`` URL list."""
    return ";".join(f"kafka://{server.strip()}" for server in bootstrap.split(",") if server)


def create_app(settings: Settings, analyzer: Analyzer | None = None) -> faust.App:
    """Build the Faust app with its topics, agent and web views."""
    analyzer = analyzer or build_analyzer(settings)
    metrics = Metrics()
    app = faust.App(
        settings.app_id,
        broker=faust_broker_url(settings.bootstrap_servers),
        broker_credentials=_credentials(settings),
        value_serializer="raw",
        key_serializer="raw",
        processing_guarantee="at_least_once",
        topic_partitions=settings.partitions,
        topic_replication_factor=1,
        datadir=str(settings.data_dir),
        web_bind=settings.web_host,
        web_port=settings.web_port,
        web_host=settings.web_host,
        producer_linger_ms=1,
        broker_commit_every=1000,
        broker_commit_interval=1.0,
        stream_buffer_maxsize=4096,
        consumer_auto_offset_reset="earliest",
        # One partition per topic and one worker by default: a second
        # worker only adds capacity after ESCWATCH_PARTITIONS is raised.
        table_standby_replicas=0,
    )
    raw = app.topic(settings.topic_raw, value_serializer="raw", key_serializer="raw")
    outputs = {
        "analyzed": app.topic(settings.topic_analyzed, value_serializer="raw",
                              key_serializer="raw"),
        "alerts": app.topic(settings.topic_alerts, value_serializer="raw", key_serializer="raw"),
        "deadletter": app.topic(settings.topic_deadletter, value_serializer="raw",
                                key_serializer="raw"),
    }

    @app.agent(raw, concurrency=1)
    async def analyze_articles(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            message = event.message
            started = time.perf_counter()
            routed = route(message.value, message.key,
                           Origin(message.topic, message.partition, message.offset),
                           analyzer, max_bytes=settings.max_message_bytes,
                           run_id=settings.run_id)
            for record in routed.records:
                await outputs[record.destination].send(key=record.key, value=record.value)
            metrics.observe(level=routed.level, error=routed.error,
                            seconds=time.perf_counter() - started)

    @app.page("/health")
    class Health(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok", "version": __version__, "app_id": settings.app_id,
                              "knowledge_version": analyzer.knowledge.version,
                              "input": settings.topic_raw})

    @app.page("/metrics")
    class PrometheusMetrics(View):
        async def get(self, request: Request) -> Response:
            return self.bytes(metrics.render(),
                              content_type="text/plain; version=0.0.4; charset=utf-8")

    # Exposed for the in-memory agent tests and the health views.
    app.escwatch_metrics = metrics  # type: ignore[attr-defined]
    app.escwatch_outputs = outputs  # type: ignore[attr-defined]
    return app
