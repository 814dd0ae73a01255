"""kafka-python clients built from :class:`Settings`, for the CLI tools.

The worker uses Faust's own clients; ingest, tail, replay and the tests use
these. Security settings reach every client through one function.
"""

from __future__ import annotations

import contextlib
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams.config import Settings
from streams.errors import EscwatchError

__all__ = ["KafkaUnavailableError", "admin", "consumer", "ensure_topics", "producer"]


class KafkaUnavailableError(EscwatchError):
    """No broker answered at the configured bootstrap servers."""


def _unavailable(settings: Settings, exc: Exception) -> KafkaUnavailableError:
    return KafkaUnavailableError(
        f"no Kafka broker answers at {settings.bootstrap_servers} ({exc}); start one with "
        "`escwatch kafka up` or set KAFKA_BOOTSTRAP_SERVERS")


def _common(settings: Settings) -> dict[str, Any]:
    servers = [s.strip() for s in settings.bootstrap_servers.split(",") if s.strip()]
    # A missing broker is reported after ESCWATCH_CONNECT_TIMEOUT (kafka-python
    # waits 30 s by default), and reconnects back off exponentially.
    return {"bootstrap_servers": servers, **settings.security.kafka_python(),
            "bootstrap_timeout_ms": int(settings.connect_timeout * 1000),
            "reconnect_backoff_ms": settings.reconnect_backoff_ms,
            "reconnect_backoff_max_ms": settings.reconnect_backoff_max_ms}


def producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """A producer that waits for all in-sync replicas (no silent loss)."""
    # Not idempotent: kafka-python's idempotent producer fails every later
    # record of a partition once the broker refused one batch (too large),
    # while without it a refused batch is split and only the big record fails
    # (still so with kafka-python 3.0.12: tests/integration/test_ingest_refused.py
    # then loses the refused record's three neighbours). Redelivered inputs are
    # harmless anyway: the worker's outputs are idempotent.
    # One request in flight keeps the order across retries.
    conf: dict[str, Any] = {"acks": "all", "linger_ms": 5, "retries": 5,
                            "enable_idempotence": False,
                            "max_in_flight_requests_per_connection": 1,
                            "max_request_size": max(settings.max_message_bytes * 2, 1_048_576)}
    conf.update(overrides)
    try:
        return KafkaProducer(**{**_common(settings), **conf})
    except KafkaError as exc:
        raise _unavailable(settings, exc) from exc


def consumer(settings: Settings, *topics: str, **overrides: Any) -> KafkaConsumer:
    """A consumer of ``topics``; without ``group_id`` it commits nothing."""
    conf: dict[str, Any] = {"auto_offset_reset": "earliest", "enable_auto_commit": False,
                            "consumer_timeout_ms": 1000}
    conf.update(overrides)
    try:
        return KafkaConsumer(*topics, **{**_common(settings), **conf})
    except KafkaError as exc:
        raise _unavailable(settings, exc) from exc


def admin(settings: Settings) -> KafkaAdminClient:
    """An admin client."""
    try:
        return KafkaAdminClient(**_common(settings))
    except KafkaError as exc:
        raise _unavailable(settings, exc) from exc


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
