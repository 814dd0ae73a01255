"""Any start order: a worker started before its topics exist creates them and consumes at once;
partitions added later are consumed; two workers share one host without a port clash."""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewPartitions

from streams import codec
from tests.integration.conftest import ROOT, wait_for
from tests.integration.test_crash_recovery import TopicReader

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(240)]

PARTITIONS = 3


def _seed() -> dict[str, Any]:
    line = (ROOT / "seeds" / "articles.jsonl").read_bytes().splitlines()[0]
    event: dict[str, Any] = orjson.loads(line)
    return event


def _partition_counts(admin: KafkaAdminClient, names: list[str]) -> dict[str, int]:
    described = admin.describe_topics(names)
    return {t["name"]: len(t["partitions"]) for t in described if not t.get("error_code")}


class TestWorkerFirst:
    def test_worker_started_before_topics_exist_alerts_within_five_seconds(
        self, worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str
    ) -> None:
        """On a broker without its topics, the worker creates all four with the configured
        partitions; the seed article ingested 10 s later raises its alert within 5 s."""
        env = {**worker_env, "ESCWATCH_PARTITIONS": str(PARTITIONS)}
        names = [env[k] for k in ("ESCWATCH_TOPIC_RAW", "ESCWATCH_TOPIC_ANALYZED",
                                  "ESCWATCH_TOPIC_ALERTS", "ESCWATCH_TOPIC_DEADLETTER")]
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            assert not set(names) & set(admin.list_topics())
            worker = start_worker(env)
            assert wait_for(lambda: set(names) <= set(admin.list_topics()), 60), worker.log()
            assert _partition_counts(admin, names) == dict.fromkeys(names, PARTITIONS)
        finally:
            admin.close()
        alerts = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_ALERTS"])
        alerts.poll()
        time.sleep(10)
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        article = _seed()
        sent = time.monotonic()
        producer.send(env["ESCWATCH_TOPIC_RAW"], key=article["id"].encode(),
                      value=orjson.dumps(article))
        producer.flush(timeout=30)
        producer.close()
        assert alerts.until(lambda r: len(r) >= 1, 30), worker.log()[-3000:]
        latency = time.monotonic() - sent
        alert = codec.loads(alerts.records[0].value)
        assert alert["article_id"] == article["id"]
        assert latency <= 5.0, f"first alert took {latency:.1f} s"
        assert "not found" not in worker.log()
        alerts.consumer.close()

    def test_partitions_added_later_are_consumed(
        self, worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str
    ) -> None:
        """A partition added to the input topic while the worker runs is consumed too."""
        env = {**worker_env, "ESCWATCH_PARTITIONS": "1"}
        worker = start_worker(env)
        analyzed = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            assert wait_for(lambda: env["ESCWATCH_TOPIC_RAW"] in admin.list_topics(), 60)
            admin.create_partitions({env["ESCWATCH_TOPIC_RAW"]: NewPartitions(total_count=2)})
        finally:
            admin.close()
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        article = {**_seed(), "id": "late-partition-article"}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            # The producer learns of the new partition on its own metadata refresh.
            if 1 in (producer.partitions_for(env["ESCWATCH_TOPIC_RAW"]) or set()):
                break
            time.sleep(0.5)
        producer.send(env["ESCWATCH_TOPIC_RAW"], key=b"late", value=orjson.dumps(article),
                      partition=1)
        producer.flush(timeout=30)
        producer.close()
        found = analyzed.until(
            lambda r: any(codec.loads(m.value)["article_id"] == article["id"] for m in r), 60)
        analyzed.consumer.close()
        assert found, worker.log()[-3000:]


class TestSideBySide:
    def test_two_workers_on_one_host_share_the_web_port_setting(
        self, worker_env: dict[str, str], start_worker: Any
    ) -> None:
        """A second worker with the same ESCWATCH_WEB_PORT takes the next free port and keeps
        running instead of exiting on the clash."""
        first = start_worker()
        assert wait_for(lambda: "web port" in first.log() or first.proc.poll() is not None
                        or _answers(int(worker_env["ESCWATCH_WEB_PORT"])), 60)
        second = start_worker()
        # The second worker reaches its web server only after its Kafka start-up,
        # which takes longer on a loaded machine: wait for the message, not a fixed time.
        assert wait_for(lambda: "is taken" in second.log() or second.proc.poll() is not None,
                        90), second.log()[-3000:]
        time.sleep(3)
        assert first.proc.poll() is None, first.log()[-3000:]
        assert second.proc.poll() is None, second.log()[-3000:]
        assert "is taken" in second.log()


def _answers(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0
