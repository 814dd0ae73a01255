"""No loss across a crash: SIGKILL the worker in the middle of 5,000 articles, restart it,
and find every analysis and every expected alert on the output topics."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer

from streams import codec
from streams.clients import ensure_topics
from streams.config import Settings
from streams.pipeline import build_analyzer
from tests.integration.conftest import ROOT

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(300)]

N_ARTICLES = 5_000
SOURCES = [ROOT / "seeds" / "articles.jsonl", ROOT / "seeds" / "demo.jsonl",
           *sorted((ROOT / "tests" / "data").glob("*.jsonl"))]


def corpus(n: int, prefix: str) -> list[dict[str, Any]]:
    """``n`` article events with unique ids, cycling over the texts of seeds and test data."""
    texts: list[tuple[str, str | None]] = []
    for path in SOURCES:
        for line in path.read_bytes().splitlines():
            if line.strip():
                obj = orjson.loads(line)
                if isinstance(obj.get("text"), str) and obj["text"].strip():
                    texts.append((obj["text"], obj.get("published_at")))
    assert texts
    return [{"schema": "article.v1", "id": f"{prefix}-{i:05d}", "text": texts[i % len(texts)][0],
             "published_at": texts[i % len(texts)][1] or f"2024-05-{1 + i % 28:02d}T08:00:00Z"}
            for i in range(n)]


def expected_alerts(env: dict[str, str], events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """What the core gives offline for ``events``: alert dicts by alert id."""
    analyzer = build_analyzer(Settings.from_env(env))
    alerts: dict[str, Any] = {}
    for event in events:
        alert = analyzer.analyze(codec.article_from_event(dict(event))).to_dict()["alert"]
        if alert is not None:
            alerts[alert["id"]] = alert
    return alerts


def produce(bootstrap: str, topic: str, items: Iterable[tuple[bytes | None, bytes]],
            rate: float = 0.0) -> None:
    """Publish ``(key, value)`` pairs (at ``rate`` per second when set) and wait until the
    broker has them all."""
    # Retries ride out a broker restart (test_broker_restart sends through one).
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                             max_request_size=2_000_000, retries=200, retry_backoff_ms=500,
                             request_timeout_ms=30_000, max_block_ms=180_000)
    started = time.monotonic()
    try:
        for i, (key, value) in enumerate(items):
            if rate and i % 50 == 0:
                time.sleep(max(0.0, started + i / rate - time.monotonic()))
            producer.send(topic, key=key, value=value)
        producer.flush(timeout=60)
    finally:
        producer.close(timeout=10)


class Background:
    """Run a function in a thread and re-raise its exception on ``join``."""

    def __init__(self, target: Callable[[], None]) -> None:
        """Start ``target`` now."""
        self.error: BaseException | None = None

        def run() -> None:
            try:
                target()
            except BaseException as exc:
                self.error = exc
        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def join(self, timeout: float = 120) -> None:
        """Wait for the thread; raise what it raised."""
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "background producer did not finish"
        if self.error is not None:
            raise self.error


def create_topics(env: dict[str, str]) -> None:
    """Create the test's four topics up front, so readers see them from the first poll."""
    settings = Settings.from_env(env)
    ensure_topics(settings, [settings.topic_raw, settings.topic_analyzed, settings.topic_alerts,
                             settings.topic_deadletter])


class TopicReader:
    """Reads a topic from the beginning and keeps every record seen."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        """Subscribe to ``topic`` from its first offset."""
        self.consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap,
                                      auto_offset_reset="earliest", enable_auto_commit=False,
                                      fetch_max_bytes=50_000_000)
        self.records: list[Any] = []

    def poll(self) -> list[Any]:
        """Fetch what has arrived since the last call; return all records so far."""
        # poll(), not iteration: iterating only stops once the topic is quiet.
        for batch in self.consumer.poll(timeout_ms=200, max_records=5000).values():
            self.records.extend(batch)
        return self.records

    def until(self, predicate: Callable[[list[Any]], bool], timeout: float) -> bool:
        """Poll until ``predicate(records)`` holds or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.poll()):
                return True
        return predicate(self.poll())

    def drain(self, quiet: float = 2.0) -> None:
        """Poll until nothing new arrives for ``quiet`` seconds."""
        last, since = len(self.poll()), time.monotonic()
        while time.monotonic() - since < quiet:
            if len(self.poll()) != last:
                last, since = len(self.records), time.monotonic()

    def key_set(self) -> set[bytes]:
        """Distinct record keys seen so far."""
        return {r.key for r in self.records}

    def close(self) -> None:
        """Close the consumer."""
        self.consumer.close()


def tail(env: dict[str, str], *args: str) -> list[str]:
    """Run ``escwatch tail`` over the alerts topic and return its output lines."""
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", "tail", "--json", "--from-beginning",
         "--idle-timeout", "4", *args], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line.strip()]


def check_outputs(bootstrap: str, env: dict[str, str], events: list[dict[str, Any]],
                  expected: dict[str, Any], log: str) -> Counter[bytes]:
    """Assert every article has its analysis and every expected alert arrived unchanged;
    return how often each alert id was seen (duplicates are allowed, changes are not).

    Fresh consumers read both topics from the beginning, so what is checked is what the
    topics hold, not what a long-lived reader happened to receive across an outage.
    """
    want = {e["id"].encode() for e in events}
    expected_keys = {k.encode() for k in expected}
    analyzed = TopicReader(bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
    alerts = TopicReader(bootstrap, env["ESCWATCH_TOPIC_ALERTS"])
    try:
        assert analyzed.until(lambda _: analyzed.key_set() >= want, 150), (
            f"{len(want - analyzed.key_set())} articles never analysed, e.g. "
            f"{sorted(want - analyzed.key_set())[:5]}; worker log:\n{log[-3000:]}")
        assert alerts.until(lambda _: alerts.key_set() >= expected_keys, 60), (
            f"{len(expected_keys - alerts.key_set())} expected alerts missing, e.g. "
            f"{sorted(expected_keys - alerts.key_set())[:5]}; worker log:\n{log[-3000:]}")
        alerts.drain()  # let late duplicates arrive before counting
        analyzed.drain(0.5)
    finally:
        analyzed.close()
        alerts.close()
    assert alerts.key_set() == expected_keys, "alerts that the offline analysis does not give"
    for record in alerts.records:
        assert codec.loads(record.value) == expected[record.key.decode()]
    for record in analyzed.records:
        assert record.key in want
    return Counter(r.key for r in alerts.records)


class TestWorkerCrash:
    def test_sigkill_mid_stream_loses_nothing(
        self, worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str
    ) -> None:
        """After a SIGKILL in the middle of 5,000 articles and a restart, every article has an
        analysis and every alert the offline core gives is on the alerts topic, duplicates
        carrying the same id and content; ``tail --dedupe`` shows each alert once."""
        events = corpus(N_ARTICLES, "crash")
        expected = expected_alerts(worker_env, events)
        assert len(expected) > 100, "the corpus should raise many alerts"
        raw = worker_env["ESCWATCH_TOPIC_RAW"]
        create_topics(worker_env)
        # The first article goes alone so the worker is known to be consuming before the
        # stream starts; the rest arrive at a steady rate while the worker is killed.
        produce(kafka_bootstrap, raw, [(events[0]["id"].encode(), codec.dumps(events[0]))])
        analyzed = TopicReader(kafka_bootstrap, worker_env["ESCWATCH_TOPIC_ANALYZED"])
        try:
            first = start_worker()
            assert analyzed.until(lambda recs: len(recs) >= 1, 90), (
                f"worker never started; log:\n{first.log()[-3000:]}")
            started = time.monotonic()
            feeder = Background(lambda: produce(
                kafka_bootstrap, raw, ((e["id"].encode(), codec.dumps(e)) for e in events[1:]),
                rate=1000))
            assert analyzed.until(lambda recs: len(recs) >= N_ARTICLES // 3, 60), (
                f"worker made no progress; log:\n{first.log()[-3000:]}")
            assert first.stop(signal.SIGKILL) == -signal.SIGKILL
            at_kill = len(analyzed.poll())
            assert at_kill < N_ARTICLES - 500, "the kill came too late to be mid-stream"

            second = start_worker()
            feeder.join()
            seen = check_outputs(kafka_bootstrap, worker_env, events, expected,
                                 first.log() + second.log())
            elapsed = time.monotonic() - started
            duplicates = sum(seen.values()) - len(seen)
            print(f"\ncrash test: killed after {at_kill} analyses, recovered all "
                  f"{N_ARTICLES} in {elapsed:.1f} s; {len(expected)} alerts, "
                  f"{duplicates} duplicate alert records")
        finally:
            analyzed.close()

        deduped = tail(worker_env, "--dedupe")
        ids = [orjson.loads(line)["id"] for line in deduped]
        assert sorted(ids) == sorted(expected)
        everything = tail(worker_env)
        assert len(everything) == sum(seen.values())
