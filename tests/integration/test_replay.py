"""Replays through a real broker: topic ranges by offset and time, and byte-identical alerts
across two Kafka runs, a file run and the live worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaProducer

from streams import codec
from streams.config import Settings
from streams.replay.inputs import comparable_alerts
from streams.replay.topic import read_topic
from tests.integration.conftest import ROOT, wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(420)]

T0 = 1_709_510_400_000  # 2024-03-04T00:00:00Z
COUNTRIES = ("Russia", "Ukraine", "Estonia", "Poland", "China", "India")


def replay(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the replay command as a user would (the module entry point, see the report)."""
    done = subprocess.run([sys.executable, "-m", "streams.replay", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def settings_of(env: dict[str, str]) -> Settings:
    """The settings the replay command built from ``env``."""
    return Settings.from_env(env)


def article(n: int) -> dict[str, Any]:
    """A generated article event; every third one is de-escalation."""
    a, b = COUNTRIES[n % len(COUNTRIES)], COUNTRIES[(n + 1) % len(COUNTRIES)]
    text = (f"{a} and {b} agreed to hold talks on the border next week." if n % 3 == 2 else
            f"{a} deployed troops and tanks to its border with {b} on Monday, officials said, "
            f"and threatened to strike if {b} did not withdraw.")
    return {"schema": "article.v1", "id": f"gen-{n:03d}", "title": f"Report {n}", "text": text,
            "published_at": f"2024-03-{4 + n % 10:02d}T{n % 24:02d}:15:00Z", "language": "en"}


def produce(bootstrap: str, topic: str, count: int) -> None:
    """Publish ``count`` articles with timestamps one minute apart from T0."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for n in range(count):
        producer.send(topic, key=f"gen-{n:03d}".encode(), value=codec.dumps(article(n)),
                      timestamp_ms=T0 + n * 60_000)
    producer.flush()
    producer.close()


def keys(settings: Settings, topic: str) -> list[bytes]:
    """Record keys of ``topic`` from start to end."""
    return [r.key for r in read_topic(settings, topic)]


class TestTopicRange:
    def test_offset_range_processes_exactly_the_range(
        self, worker_env: dict[str, str], kafka_bootstrap: str
    ) -> None:
        """Replaying offsets [2, 5) analyses articles 2, 3 and 4 only, on the run's topics."""
        produce(kafka_bootstrap, worker_env["ESCWATCH_TOPIC_RAW"], 7)
        done = replay(worker_env, "--topic", "--from-offset", "2", "--to-offset", "5",
                      "--run-id", "off")
        settings = settings_of(worker_env)
        run = settings.for_run("off")
        assert sorted(keys(settings, run.topic_analyzed)) == [b"gen-002", b"gen-003", b"gen-004"]
        assert keys(settings, f"{settings.topic_raw}.off") == [b"gen-002", b"gen-003",
                                                                b"gen-004"]
        assert "3 articles" in done.stdout
        assert run.topic_alerts.endswith(".off")
        assert keys(settings, settings.topic_analyzed) == []

    def test_time_range_processes_exactly_the_range(
        self, worker_env: dict[str, str], kafka_bootstrap: str
    ) -> None:
        """Replaying [T0+2 min, T0+4 min) analyses the two articles stamped inside it."""
        produce(kafka_bootstrap, worker_env["ESCWATCH_TOPIC_RAW"], 7)
        replay(worker_env, "--topic", "--from-time", "2024-03-04T00:02:00Z",
               "--to-time", "2024-03-04T00:04:00Z", "--run-id", "tim")
        settings = settings_of(worker_env)
        run = settings.for_run("tim")
        assert sorted(keys(settings, run.topic_analyzed)) == [b"gen-002", b"gen-003"]
        alerts = [codec.loads(r.value) for r in read_topic(settings, run.topic_alerts)]
        assert {a["article_id"] for a in alerts} <= {"gen-002", "gen-003"}
        for alert in alerts:
            codec.validate(alert, "alert.v1")
            assert "run_id" not in alert


class TestResetOffsets:
    def test_in_place_replay_from_a_time_starts_where_the_group_was_reset(
        self, worker_env: dict[str, str], kafka_bootstrap: str
    ) -> None:
        """--reset-offsets commits the run group's offsets at the first record at or after the
        start time, and the run's worker consumes the source topic from there."""
        produce(kafka_bootstrap, worker_env["ESCWATCH_TOPIC_RAW"], 6)
        done = replay(worker_env, "--topic", "--from-time", "2024-03-04T00:03:00Z",
                      "--reset-offsets", "--run-id", "rst")
        settings = settings_of(worker_env)
        run = settings.for_run("rst")
        assert sorted(keys(settings, run.topic_analyzed)) == [b"gen-003", b"gen-004",
                                                               b"gen-005"]
        assert "3 articles" in done.stdout
        # No private copy: the run read the source topic itself.
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            assert f"{settings.topic_raw}.rst" not in admin.list_topics()
            offsets = admin.list_group_offsets(run.app_id)[run.app_id]
        finally:
            admin.close()
        assert {tp.topic for tp in offsets} == {settings.topic_raw}
        assert max(o.offset for o in offsets.values()) == 6

    def test_reset_offsets_refuses_an_end_bound(self, worker_env: dict[str, str]) -> None:
        """An end bound with --reset-offsets is refused: only the copying mode is exact."""
        done = subprocess.run([sys.executable, "-m", "streams.replay", "--topic", "--from-offset",
                               "1", "--to-offset", "3", "--reset-offsets"], env=worker_env,
                              cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 2  # a ConfigError, reported in one line
        assert "escwatch replay: error: --reset-offsets needs" in done.stderr


class TestByteIdentity:
    def test_two_kafka_runs_a_file_run_and_the_live_worker_agree(
        self, worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str,
        tmp_path: Path,
    ) -> None:
        """The seeds plus a generated archive give the same alert bytes (run_id removed,
        sorted by id) in two Kafka replays, a file replay and on the live alerts topic."""
        archive = tmp_path / "generated.jsonl"
        archive.write_bytes(b"".join(codec.dumps(article(n)) + b"\n" for n in range(18)))
        inputs = [str(ROOT / "seeds" / "articles.jsonl"), str(archive)]
        settings = settings_of(worker_env)

        replay(worker_env, *inputs, "--out", str(tmp_path / "files"))
        from_files = comparable_alerts(
            (tmp_path / "files" / "alerts.jsonl").read_bytes().splitlines())
        assert len(from_files) >= 5

        runs = []
        for run_id in ("k1", "k2"):
            replay(worker_env, *inputs, "--run-id", run_id)
            values = [r.value for r in read_topic(settings, settings.for_run(run_id).topic_alerts)]
            assert all("run_id" not in codec.loads(v) for v in values)
            runs.append(comparable_alerts(values))

        worker = start_worker()
        ingest = subprocess.run([sys.executable, "-m", "streams.cli", "ingest", *inputs],
                                env=worker_env, cwd=ROOT, capture_output=True, text=True,
                                timeout=120, check=False)
        assert ingest.returncode == 0, ingest.stderr
        live: list[bytes] = []

        def arrived() -> bool:
            live[:] = comparable_alerts(
                r.value for r in read_topic(settings, settings.topic_alerts))
            return len(live) >= len(from_files)

        assert wait_for(arrived, 120, interval=1.0), worker.log()[-3000:]
        assert runs[0] == runs[1] == from_files == live


def replay_status(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``escwatch replay`` and return the result, whatever its exit status."""
    return subprocess.run([sys.executable, "-m", "streams.cli", "replay", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


class TestRepeatedIdsAndRunIds:
    def test_archive_with_a_repeated_id_completes(self, worker_env: dict[str, str],
                                                   tmp_path: Path) -> None:
        """Two records with one article id are two inputs: both are processed and the run
        completes (done is counted by input offsets, not by distinct ids)."""
        events = [article(n) for n in range(4)]
        events.insert(2, {**article(7), "id": events[0]["id"]})  # same id, other text
        archive = tmp_path / "dups.jsonl"
        archive.write_bytes(b"".join(codec.dumps(e) + b"\n" for e in events))
        done = replay(worker_env, str(archive), "--run-id", "dup1", "--timeout", "120")
        assert "dup1 (kafka-files): 5 articles" in done.stdout, done.stdout
        settings = settings_of(worker_env)
        analyzed = keys(settings, settings.for_run("dup1").topic_analyzed)
        assert len(analyzed) >= 5
        assert analyzed.count(events[0]["id"].encode()) >= 2

    def test_existing_run_id_is_refused_or_resumed(self, worker_env: dict[str, str],
                                                   tmp_path: Path) -> None:
        """Reusing a run id is refused with a clear message and changes nothing; --resume
        adds the new inputs to the run and processes them."""
        first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
        first.write_bytes(b"".join(codec.dumps(article(n)) + b"\n" for n in range(3)))
        second.write_bytes(b"".join(codec.dumps(article(n)) + b"\n" for n in range(10, 14)))
        replay(worker_env, str(first), "--run-id", "again")
        refused = replay_status(worker_env, str(second), "--run-id", "again")
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "run again already exists" in refused.stderr
        assert "--resume" in refused.stderr
        settings = settings_of(worker_env)
        run = settings.for_run("again")
        assert sorted(keys(settings, run.topic_analyzed)) == [b"gen-000", b"gen-001", b"gen-002"]
        done = replay(worker_env, str(second), "--run-id", "again", "--resume")
        assert "again (kafka-files): 7 articles" in done.stdout, done.stdout
        assert {f"gen-{n:03d}".encode() for n in (0, 1, 2, 10, 11, 12, 13)} == \
            set(keys(settings, run.topic_analyzed))
