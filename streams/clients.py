"""kafka-python clients built from :class:`Settings`, for the CLI tools.

The worker uses Faust's own clients; ingest, tail, replay and the tests use
these. Security settings reach every client through one function.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams.config import Settings
from streams.errors import EscwatchError

__all__ = ["KafkaUnavailableError", "admin", "committed_offset", "consumer", "ensure_topics",
           "group_offsets", "producer", "read_range"]


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


def group_offsets(client: KafkaAdminClient, group: str, timeout: float = 30.0) -> dict[Any, Any]:
    """Consumer group ``group``'s committed offsets ({TopicPartition: OffsetAndMetadata}).

    Retriable broker errors are retried until ``timeout``: on a broker that has just
    started, the group coordinator (the offsets topic) is not there yet and the first
    lookups answer ``CoordinatorNotAvailable``.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = client.list_group_offsets(group)
        except KafkaError as exc:
            if not getattr(exc, "retriable", False) or time.monotonic() > deadline:
                raise
            time.sleep(0.5)
            continue
        return dict((found or {}).get(group) or {})


def committed_offset(settings: Settings, topic: str, partition: int = 0) -> int:
    """The worker group's committed offset of one partition, 0 when none.

    Read with the admin API: a consumer in the worker's group, even one that never
    subscribes, is no business of the group while Faust runs in it."""
    client = admin(settings)
    try:
        offsets = group_offsets(client, settings.app_id)
    finally:
        client.close()
    found = offsets.get(TopicPartition(topic, partition))
    offset = getattr(found, "offset", None)
    return int(offset) if offset is not None and offset >= 0 else 0


def read_range(settings: Settings, topic: str, start: int, end: int, partition: int = 0,
               timeout: float = 120.0) -> list[Any]:
    """The records at offsets ``[start, end)`` of one partition, in order (no group).

    Raises:
        TimeoutError: when the range could not be read within ``timeout`` seconds.
    """
    if end <= start:
        return []
    tp = TopicPartition(topic, partition)
    cons = consumer(settings, enable_auto_commit=False)
    records: list[Any] = []
    try:
        cons.assign([tp])
        cons.seek(tp, start)
        deadline = time.monotonic() + timeout
        while start + len(records) < end:
            if time.monotonic() > deadline:
                raise TimeoutError(f"read {len(records)} of the {end - start} records at "
                                   f"offsets {start}..{end - 1} of {topic}[{partition}] in "
                                   f"{timeout:g} s")
            # An empty poll is no end: the fetch may still be on its way.
            for msg in cons.poll(timeout_ms=1000, max_records=500).get(tp, []):
                if start + len(records) <= msg.offset < end:
                    records.append(msg)
        return records
    finally:
        cons.close()
