"""The whole path on a real broker: ingest -> worker -> analyses, alerts, dead letters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer

from streams import codec
from tests.integration.conftest import ROOT, wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(240)]


def collect(bootstrap: str, topic: str, want: int, timeout: float = 90) -> list[Any]:
    """Read ``topic`` from the start until ``want`` records or ``timeout``."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=500)
    records: list[Any] = []
    try:
        wait_for(lambda: records.extend(consumer) or len(records) >= want, timeout)
    finally:
        consumer.close()
    return records


def ingest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``escwatch ingest`` as a user would."""
    return subprocess.run([sys.executable, "-m", "streams.cli", "ingest", *args], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


class TestSeedArticle:
    def test_seed_article_raises_alert_with_conditional_mobilize(
        self, worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str
    ) -> None:
        """The seed article ingested through Kafka yields an alert naming NATO, Ukraine and
        Rasmussen, and an analysis whose deploy-troops MOBILIZE signal is not asserted."""
        worker = start_worker()
        done = ingest(worker_env, str(ROOT / "seeds" / "articles.jsonl"))
        assert done.returncode == 0, done.stderr
        alerts = collect(kafka_bootstrap, worker_env["ESCWATCH_TOPIC_ALERTS"], 1)
        assert alerts, f"no alert arrived; worker log:\n{worker.log()[-3000:]}"
        alert = codec.loads(alerts[0].value)
        codec.validate(alert, "alert.v1")
        assert alerts[0].key == alert["id"].encode()
        names = " ".join(alert["actor_names"])
        assert "NATO" in alert["actors"] or "NATO" in names
        assert "UKR" in alert["actors"]
        assert "Rasmussen" in names
        analyses = collect(kafka_bootstrap, worker_env["ESCWATCH_TOPIC_ANALYZED"], 1)
        analysis = codec.loads(analyses[0].value)
        codec.validate(analysis, "analysis.v1")
        mobilize = [s for s in analysis["signals"]
                    if s["type"] == "MOBILIZE" and "deploy" in s["trigger"].lower()]
        assert mobilize, analysis["signals"]
        assert mobilize[0]["modality"] != "asserted"
        assert analysis["alert"]["id"] == alert["id"]


class TestDeadLetters:
    def test_invalid_message_goes_to_deadletter_and_next_article_is_processed(
        self, worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str,
        tmp_path: Path,
    ) -> None:
        """A malformed message lands on the dead-letter topic with its reason and origin,
        and the worker goes on to analyse the article after it."""
        start_worker()
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        raw_topic = worker_env["ESCWATCH_TOPIC_RAW"]
        producer.send(raw_topic, key=b"broken", value=b'{"id": "broken", "text": ')
        trace = [("trace-id", b"t-123")]
        producer.send(raw_topic, key=b"no-text", value=b'{"id": "no-text"}', headers=trace)
        good = {"id": "after-bad", "text": "Russia deployed troops to the border with Ukraine.",
                "published_at": "2024-01-02T03:04:05Z"}
        producer.send(raw_topic, key=b"after-bad", value=codec.dumps(good), headers=trace)
        producer.flush()
        producer.close()
        dead = collect(kafka_bootstrap, worker_env["ESCWATCH_TOPIC_DEADLETTER"], 2)
        assert len(dead) == 2
        records = [codec.loads(d.value) for d in dead]
        for record in records:
            codec.validate(record, "deadletter.v1")
            assert record["topic"] == raw_topic
        assert [r["reason"] for r in records] == ["decode_error", "schema_error"]
        assert records[0]["offset"] < records[1]["offset"]
        assert "text" in records[1]["error"]
        analyses = collect(kafka_bootstrap, worker_env["ESCWATCH_TOPIC_ANALYZED"], 1)
        assert [a.key for a in analyses] == [b"after-bad"]
        # Input headers reach every output; the dead letter names the JSON id.
        assert ("trace-id", b"t-123") in list(analyses[0].headers)
        assert ("trace-id", b"t-123") in list(dead[1].headers)
        assert not dead[0].headers
        assert records[1]["article_id"] == "no-text"
        alerts = collect(kafka_bootstrap, worker_env["ESCWATCH_TOPIC_ALERTS"], 1)
        assert alerts
        assert ("trace-id", b"t-123") in list(alerts[0].headers)
