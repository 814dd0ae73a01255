"""Operating the worker: /health and /metrics over HTTP, graceful shutdown on SIGTERM with
offsets committed, and no secrets in its log."""

from __future__ import annotations

import base64
import re
import signal
import urllib.error
import urllib.request
from typing import Any

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from streams import codec
from tests.integration.conftest import wait_for
from tests.integration.test_crash_recovery import (
    TopicReader,
    corpus,
    create_topics,
    expected_alerts,
    produce,
)
from tests.unit.test_pipeline import BAD_INPUTS

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(240)]

N_ARTICLES = 200
CANARY = "sasl-canary-93c1d"


def http_get(port: int, path: str) -> tuple[int, str, bytes]:
    """GET ``path`` on the worker's web port: status, content type and body."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, "", exc.read()
    except OSError:
        return 0, "", b""


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.compile(rf"^{re.escape(name)}(?:\{{([^}}]*)\}})? ([0-9.e+-]+)$", re.M)
    for found, value in pattern.findall(text):
        if ",".join(sorted(found.split(","))) == want or (not labels and not found):
            return float(value)
    return 0.0


@pytest.fixture
def running(worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str
            ) -> tuple[dict[str, str], Any, int]:
    """A worker whose topics exist, answering /health, with a SASL password in its
    environment that must never show up in its log."""
    env = {**worker_env, "KAFKA_SASL_PASSWORD": CANARY, "ESCWATCH_LOG_LEVEL": "INFO"}
    create_topics(env)
    worker = start_worker(env)
    port = int(env["ESCWATCH_WEB_PORT"])
    assert wait_for(lambda: http_get(port, "/health")[0] == 200, 60), worker.log()[-3000:]
    return env, worker, port


def _send_batch(env: dict[str, str], bootstrap: str) -> tuple[list[dict[str, Any]], int]:
    events = corpus(N_ARTICLES, "ops")
    bad = [(b"bad-json", b'{"id": "bad-json", "text": '), (b"no-text", b'{"id": "no-text"}')]
    produce(bootstrap, env["ESCWATCH_TOPIC_RAW"],
            [*((e["id"].encode(), codec.dumps(e)) for e in events), *bad])
    return events, len(bad)


def _all_analysed(env: dict[str, str], bootstrap: str, events: list[dict[str, Any]]) -> None:
    reader = TopicReader(bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
    try:
        want = {e["id"].encode() for e in events}
        assert reader.until(lambda _: reader.key_set() >= want, 90)
    finally:
        reader.close()


class TestHealth:
    def test_health_reports_ok_with_identity(self, running: tuple[dict[str, str], Any, int]
                                             ) -> None:
        """GET /health answers 200 with status ok, the app id and the input topic."""
        env, _, port = running
        status, content_type, body = http_get(port, "/health")
        assert status == 200
        assert "json" in content_type
        health = orjson.loads(body)
        assert health["status"] == "ok"
        assert health["app_id"] == env["ESCWATCH_APP_ID"]
        assert health["input"] == env["ESCWATCH_TOPIC_RAW"]
        assert health["knowledge_version"]


class TestMetrics:
    def test_metrics_count_articles_alerts_dead_letters_and_latency(
        self, running: tuple[dict[str, str], Any, int], kafka_bootstrap: str
    ) -> None:
        """After a batch, /metrics counts every article, the alerts by level as the offline
        core gives them, each dead letter by reason, and one latency observation each."""
        env, _, port = running
        events, n_bad = _send_batch(env, kafka_bootstrap)
        _all_analysed(env, kafka_bootstrap, events)
        expected = expected_alerts(env, events)
        total = N_ARTICLES + n_bad

        def scraped() -> str:
            return http_get(port, "/metrics")[2].decode()
        assert wait_for(lambda: metric(scraped(), "escwatch_processing_seconds_count") >= total,
                        30), scraped()[-3000:]
        status, content_type, body = http_get(port, "/metrics")
        text = body.decode()
        assert status == 200
        assert content_type.startswith("text/plain")
        # >= because a redelivery after a rebalance is counted again (at-least-once).
        assert metric(text, "escwatch_articles_processed_total") >= N_ARTICLES
        assert metric(text, "escwatch_deadletters_total", reason="decode_error") == 1
        assert metric(text, "escwatch_deadletters_total", reason="schema_error") == 1
        for level in {a["level"] for a in expected.values()}:
            want = sum(1 for a in expected.values() if a["level"] == level)
            assert metric(text, "escwatch_alerts_total", level=level) >= want, level
        assert metric(text, "escwatch_processing_seconds_count") >= total
        assert metric(text, "escwatch_processing_seconds_bucket", le="+Inf") >= total
        assert metric(text, "escwatch_processing_seconds_sum") > 0

    def test_consumer_lag_gauge_and_health_readiness_follow_the_work(
        self, running: tuple[dict[str, str], Any, int], kafka_bootstrap: str
    ) -> None:
        """While a batch waits the lag is positive; once it is processed and committed,
        `escwatch_consumer_lag{topic,partition}` and /health's lag are 0, /health names
        the assigned partition and the time of the last processed message."""
        env, _, port = running
        raw = env["ESCWATCH_TOPIC_RAW"]
        events, n_bad = _send_batch(env, kafka_bootstrap)
        _all_analysed(env, kafka_bootstrap, events)

        def lag() -> float:
            text = http_get(port, "/metrics")[2].decode()
            if "escwatch_consumer_lag{" not in text:
                return -1.0
            return metric(text, "escwatch_consumer_lag", topic=raw, partition="0")

        assert wait_for(lambda: lag() == 0.0, 30), http_get(port, "/metrics")[2][-2000:]
        status, _, body = http_get(port, "/health")
        health = orjson.loads(body)
        assert status == 200, health
        assert health["ready"] is True
        assert health["partitions"] == {f"{raw}:0": 0}
        assert health["consumer_lag"] == 0
        assert health["processed"] >= N_ARTICLES + n_bad
        assert health["last_processed_at"].endswith("Z")
        assert health["broker"]["reachable"] is True


class TestGracefulShutdown:
    def test_sigterm_commits_offsets_and_exits_zero(
        self, running: tuple[dict[str, str], Any, int], kafka_bootstrap: str
    ) -> None:
        """SIGTERM after a batch stops the worker with status 0 and the consumer group's
        committed offset equal to the end of the raw topic, so a restart redoes nothing."""
        env, worker, _ = running
        events, n_bad = _send_batch(env, kafka_bootstrap)
        _all_analysed(env, kafka_bootstrap, events)
        dead = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_DEADLETTER"])
        try:
            assert dead.until(lambda recs: len(recs) >= n_bad, 30)
        finally:
            dead.close()
        assert worker.stop(signal.SIGTERM, timeout=60) == 0, worker.log()[-3000:]
        raw = TopicPartition(env["ESCWATCH_TOPIC_RAW"], 0)
        consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap)
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            end = consumer.end_offsets([raw])[raw]
            group = env["ESCWATCH_APP_ID"]
            committed = admin.list_group_offsets(group)[group]
        finally:
            consumer.close()
            admin.close()
        assert end == N_ARTICLES + 2
        assert committed[raw].offset == end
        assert CANARY not in worker.log()


class TestBadInputOnTheBroker:
    def test_every_bad_kind_is_dead_lettered_and_the_next_article_analysed(
        self, worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str
    ) -> None:
        """Each kind of bad message sent through the broker lands on the dead-letter topic
        with its reason, offset and original bytes, and the good article after them is
        analysed: the worker never stops for bad input."""
        env = {**worker_env, "ESCWATCH_MAX_MESSAGE_BYTES": str(64 * 1024)}
        # Over the worker's 64 KiB limit but under the broker's 1 MB one.
        big = codec.dumps({"id": "big", "text": "Troops massed. " * 7_000})
        bad = [(case, big if reason == "too_large" else value, reason)
               for case, value, reason, _ in BAD_INPUTS]
        create_topics(env)
        worker = start_worker(env)
        good = {"id": "good-after-bad", "text": "Russia deployed troops to the border."}
        produce(kafka_bootstrap, env["ESCWATCH_TOPIC_RAW"],
                [*((f"bad-{i}".encode(), value) for i, (_, value, _) in enumerate(bad)),
                 (b"good-after-bad", codec.dumps(good))])
        dead = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_DEADLETTER"])
        analyzed = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
        try:
            assert analyzed.until(lambda _: b"good-after-bad" in analyzed.key_set(), 90), (
                worker.log()[-3000:])
            assert dead.until(lambda recs: len(recs) >= len(bad), 30)
            records = {codec.loads(r.value)["offset"]: codec.loads(r.value)
                       for r in dead.records}
        finally:
            dead.close()
            analyzed.close()
        assert sorted(records) == list(range(len(bad)))
        for offset, (case, value, reason) in enumerate(bad):
            record = records[offset]
            codec.validate(record, "deadletter.v1")
            assert record["reason"] == reason, case
            assert record["topic"] == env["ESCWATCH_TOPIC_RAW"], case
            assert record["partition"] == 0, case
            assert base64.b64decode(record["original_b64"]) == (value or b""), case
            assert record["error"], case
        assert worker.proc.poll() is None
