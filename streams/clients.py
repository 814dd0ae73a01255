"""kafka-python clients built from :class:`Settings`, for the CLI tools.

The worker uses Faust's own clients; ingest, tail, replay and the tests use
these. Security settings reach every client through one function.
"""

from __future__ import annotations

import contextlib
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from streams.config import Settings

__all__ = ["admin", "consumer", "ensure_topics", "producer"]


def _common(settings: Settings) -> dict[str, Any]:
    servers = [s.strip() for s in settings.bootstrap_servers.split(",") if s.strip()]
    return {"bootstrap_servers": servers, **settings.security.kafka_python()}


def producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """A producer that waits for all in-sync replicas (no silent loss)."""
    conf: dict[str, Any] = {"acks": "all", "linger_ms": 5, "retries": 5,
                            "max_request_size": max(settings.max_message_bytes * 2, 1_048_576)}
    conf.update(overrides)
    return KafkaProducer(**_common(settings), **conf)


def consumer(settings: Settings, *topics: str, **overrides: Any) -> KafkaConsumer:
    """A consumer of ``topics``; without ``group_id`` it commits nothing."""
    conf: dict[str, Any] = {"auto_offset_reset": "earliest", "enable_auto_commit": False,
                            "consumer_timeout_ms": 1000}
    conf.update(overrides)
    return KafkaConsumer(*topics, **_common(settings), **conf)


def admin(settings: Settings) -> KafkaAdminClient:
    """An admin client."""
    return KafkaAdminClient(**_common(settings))


def ensure_topics(settings: Settings, names: list[str], partitions: int | None = None) -> None:
    """Create ``names`` if missing (replication factor 1 is for dev brokers;
    production clusters create topics with their own policy)."""
    client = admin(settings)
    try:
        existing = set(client.list_topics())
        new = [NewTopic(n, partitions or settings.partitions, 1) for n in names
               if n not in existing]
        if new:
            # Another client may create them between the listing and here.
            with contextlib.suppress(TopicAlreadyExistsError):
                client.create_topics(new)
    finally:
        client.close()
