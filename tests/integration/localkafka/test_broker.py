"""streams.localkafka against a real Kafka broker: probes, status, reuse, a round trip."""

from __future__ import annotations

import time
import uuid

import pytest

from streams.localkafka import probe_metadata, status, up
from streams.localkafka.probe import bootstrap_addresses

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


def test_probe_lists_the_broker(kafka_bootstrap: str) -> None:
    """The cluster metadata of the fixture's broker lists it, with a cluster id, at once."""
    started = time.monotonic()
    info = probe_metadata(kafka_bootstrap)
    assert time.monotonic() - started < 5.0
    assert info is not None
    assert info.bootstrap == kafka_bootstrap
    assert info.cluster_id
    ports = {port for _, _, port in info.brokers}
    assert {port for _, port in bootstrap_addresses(kafka_bootstrap)} & ports
    assert all(node_id >= 0 and host for node_id, host, _ in info.brokers)


def test_up_reuses_an_answering_broker(kafka_bootstrap: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """up() on the port of a broker that answers starts nothing and says it reused it."""
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    port = _port_of(kafka_bootstrap)
    result = up(port, timeout=10)
    assert result.running
    assert result.detail.startswith("reused: "), result.detail
    assert result.bootstrap == f"127.0.0.1:{port}"


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
