"""`escwatch ingest` against a topic that refuses records: exact counts, the broker's reason
by line, a non-zero exit, and nothing else lost (the refused record's batch neighbours are
published)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from tests.integration.conftest import ROOT
from tests.integration.test_crash_recovery import TopicReader

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(180)]


def _ingest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "streams.cli", "ingest", *args], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def _small_topic(bootstrap: str, name: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, 1, 1,
                                      topic_configs={"max.message.bytes": "100000"})])
    finally:
        admin.close()


def _article(i: int, size: int = 200) -> bytes:
    text = ("Troops gathered near the border as ministers met. " * (size // 50 + 1))[:size]
    return orjson.dumps({"id": f"ref-{i}", "text": text})


def _held(bootstrap: str, topic: str, want: int) -> set[bytes]:
    reader = TopicReader(bootstrap, topic)
    try:
        reader.until(lambda recs: len(recs) >= want, 20)
        reader.drain(1.0)
        return {r.key for r in reader.records}
    finally:
        reader.close()


class TestIngestRefused:
    def test_refused_record_is_counted_and_exit_is_nonzero(
            self, worker_env: dict[str, str], kafka_bootstrap: str, tmp_path: Path) -> None:
        topic = worker_env["ESCWATCH_TOPIC_RAW"]
        _small_topic(kafka_bootstrap, topic)
        lines = [_article(i) for i in range(7)]
        lines[3] = _article(3, 300_000)  # over the topic's 100,000 bytes, under 1 MB
        path = tmp_path / "articles.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        done = _ingest(worker_env, str(path))
        assert done.returncode == 1, done.stderr
        assert "ingest: 6 published to" in done.stderr, done.stderr
        assert "1 refused, 0 invalid" in done.stderr, done.stderr
        assert f"{path}:4: refused: MessageSizeTooLargeError from the broker" in done.stderr, \
            done.stderr
        held = _held(kafka_bootstrap, topic, 6)
        assert held == {f"ref-{i}".encode() for i in range(7) if i != 3}

    def test_raw_oversized_line_is_reported_and_the_run_goes_on(
            self, worker_env: dict[str, str], kafka_bootstrap: str, tmp_path: Path) -> None:
        topic = worker_env["ESCWATCH_TOPIC_RAW"]
        lines = [_article(i) for i in range(5)]
        lines[1] = _article(1, 2_200_000)  # over the producer's own limit (2 MB)
        lines[3] = b"not json at all"
        path = tmp_path / "raw.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        started = time.monotonic()
        done = _ingest(worker_env, "--raw", str(path))
        assert time.monotonic() - started < 60
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        assert f"{path}:2: refused: MessageSizeTooLargeError from the producer" in done.stderr, \
            done.stderr
        # --raw sends the bad JSON line unchecked (the worker dead-letters it).
        assert "ingest: 4 published to" in done.stderr, done.stderr
        assert "1 refused" in done.stderr, done.stderr
        held = _held(kafka_bootstrap, topic, 4)
        assert {b"ref-0", b"ref-2", b"ref-4"} <= held
        assert b"ref-1" not in held

    def test_no_broker_is_said_within_five_seconds(self, worker_env: dict[str, str],
                                                   tmp_path: Path) -> None:
        env = {**worker_env, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}
        started = time.monotonic()
        done = _ingest(env, str(ROOT / "seeds" / "articles.jsonl"))
        took = time.monotonic() - started
        assert done.returncode == 2, done.stderr
        assert "no Kafka broker answers" in done.stderr, done.stderr
        assert took < 5 + 2, f"{took:.1f} s"  # 5 s plus the interpreter's start-up
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "streams.cli", "tail", "--idle-timeout",
                               "1"], env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=60, check=False)
        took = time.monotonic() - started
        assert done.returncode == 2, done.stderr
        assert "no Kafka broker answers" in done.stderr, done.stderr
        assert took < 5 + 2, f"{took:.1f} s"


def test_tail_idle_timeout_ends_when_the_topic_never_appears(
        worker_env: dict[str, str]) -> None:
    """`tail --topic no.such.topic --idle-timeout 3` exits 0 after about 3 s, saying so."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "streams.cli", "tail", "--topic",
                           f"no.such.topic.{worker_env['ESCWATCH_APP_ID']}", "--idle-timeout",
                           "3"], env=worker_env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "does not exist; gave up after 3 s" in done.stderr, done.stderr
    assert 3 <= took < 3 + 6, f"{took:.1f} s"
