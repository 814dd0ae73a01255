"""Integration tests for streams.kafka_local against a real Kafka broker."""

from __future__ import annotations

import time
import uuid

import pytest

from streams.kafka_local import probe_metadata, status

pytestmark = pytest.mark.kafka


def _port_of(bootstrap: str) -> int:
    """Return the port of the first address in a bootstrap string."""
    return int(bootstrap.split(",")[0].rsplit(":", 1)[1])


def test_status_reports_running(kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """status() sees the fixture's broker as running and hands out its address."""
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    result = status(_port_of(kafka_bootstrap))
    assert result.running, result.detail
    assert result.mode in {"external", "docker", "jvm"}
    assert _port_of(result.bootstrap) == _port_of(kafka_bootstrap)


def test_probe_lists_a_broker(kafka_bootstrap: str) -> None:
    """A raw Metadata request to the fixture's broker lists at least one broker."""
    info = probe_metadata(kafka_bootstrap, timeout=5.0)
    assert info is not None
    assert info.brokers
    assert info.cluster_id


def test_message_round_trips(kafka_bootstrap: str) -> None:
    """A message produced with kafka-python is consumed back unchanged."""
    kafka = pytest.importorskip("kafka")
    admin_module = pytest.importorskip("kafka.admin")
    topic = f"escwatch-test-kafka-local-{uuid.uuid4().hex[:12]}"
    payload = f"hello {topic}".encode()

    admin = kafka.KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        admin.create_topics([admin_module.NewTopic(topic, 1, 1)])
    finally:
        admin.close()

    producer = kafka.KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        producer.send(topic, key=b"k", value=payload).get(timeout=30)
        producer.flush()
    finally:
        producer.close()

    consumer = kafka.KafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=f"escwatch-test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    try:
        received: list[bytes] = []
        deadline = time.monotonic() + 60
        while not received and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=1000).values():
                received.extend(record.value for record in records)
    finally:
        consumer.close()
    assert received == [payload]
