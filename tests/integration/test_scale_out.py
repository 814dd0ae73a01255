"""Partitioned scale-out through the real broker: workers in one consumer group on four
partitions lose nothing when one is killed with SIGKILL or a third joins mid-stream."""

from __future__ import annotations

import itertools
import signal
import time
import urllib.error
import urllib.request
from typing import Any

import orjson
import pytest
from kafka import KafkaAdminClient

from streams import codec
from streams.localkafka.util import free_port
from tests.integration.conftest import wait_for
from tests.integration.test_crash_recovery import (
    N_ARTICLES,
    Background,
    TopicReader,
    check_outputs,
    corpus,
    expected_alerts,
    produce,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(420)]

PARTITIONS = 4
MAX_PAUSE = 10.0
"""Longest allowed gap in the output stream while the group rebalances, in seconds."""


def _largest_gap(records: list[Any], after_ms: int) -> float:
    """Longest stretch, in seconds, in which some partition got no output record, from
    ``after_ms`` on. Analyses are keyed by article id like their input, so an output
    partition stands for the input partition of the same number: the partitions of a
    killed worker stall until the group gives them to a survivor."""
    by_partition: dict[int, list[int]] = {}
    for r in records:
        by_partition.setdefault(r.partition, []).append(r.timestamp)
    gaps = [0]
    for stamps in by_partition.values():
        stamps.sort()
        # The stall starts at the partition's last output before the kill.
        before = [t for t in stamps if t < after_ms]
        later = [t for t in stamps if t >= after_ms]
        series = ([before[-1]] if before else []) + later
        gaps.extend(b - a for a, b in itertools.pairwise(series))
    return max(gaps) / 1000


def _assigned(worker: Any, topic: str) -> list[str]:
    """The input partitions a worker's ``/health`` says it holds."""
    port = int(worker.env["ESCWATCH_WEB_PORT"])
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
            body = orjson.loads(answer.read())
    except urllib.error.HTTPError as exc:  # 503 while not ready still has a body
        body = orjson.loads(exc.read())
    except OSError:
        return []
    return [p for p in body.get("partitions", {}) if p.startswith(f"{topic}:")]


def _start_group(env: dict[str, str], start_worker: Any, reader: TopicReader,
                 bootstrap: str, events: list[dict[str, Any]], count: int) -> list[Any]:
    """Start ``count`` workers (each with its own web port), wait until every one of them
    holds input partitions and the group consumes, then return them."""
    workers = [start_worker({**env, "ESCWATCH_WEB_PORT": str(free_port()),
                             "ESCWATCH_WEB_PORT_RANGE": "1"}) for _ in range(count)]
    # The workers create the topics; a producer first would have the broker auto-create
    # the input topic with one partition.
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        assert wait_for(lambda: env["ESCWATCH_TOPIC_RAW"] in admin.list_topics(), 90)
    finally:
        admin.close()
    produce(bootstrap, env["ESCWATCH_TOPIC_RAW"],
            [(e["id"].encode(), codec.dumps(e)) for e in events[:PARTITIONS * 2]])
    assert reader.until(lambda recs: len(recs) >= PARTITIONS * 2, 120), (
        "the group never consumed; logs:\n" + "\n".join(w.log()[-2000:] for w in workers))
    topic = env["ESCWATCH_TOPIC_RAW"]
    assert wait_for(lambda: all(_assigned(w, topic) for w in workers), 90), (
        "not every worker got partitions: "
        + str([_assigned(w, topic) for w in workers]))
    return workers


def _wait_for_members(bootstrap: str, group: str, want: int, timeout: float) -> int:
    """Members of ``group`` once ``want`` have joined and it is stable, or at ``timeout``."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    count = 0
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            described = admin.describe_groups([group]).get(group, {})
            count = len(described.get("members", []))
            if count >= want and described.get("group_state") == "Stable":
                break
            time.sleep(0.5)
    finally:
        admin.close()
    return count


class TestScaleOut:
    def test_two_workers_survive_sigkill_of_one(
        self, worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str
    ) -> None:
        """Two workers on four partitions; one is killed mid-stream. Every article is
        analysed, every expected alert arrives with the offline id and content, and the
        output stream pauses for at most 10 s while the survivor takes over."""
        env = {**worker_env, "ESCWATCH_PARTITIONS": str(PARTITIONS)}
        events = corpus(N_ARTICLES, "scale")
        expected = expected_alerts(env, events)
        analyzed = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
        try:
            first, second = _start_group(env, start_worker, analyzed, kafka_bootstrap,
                                         events, 2)
            feeder = Background(lambda: produce(
                kafka_bootstrap, env["ESCWATCH_TOPIC_RAW"],
                ((e["id"].encode(), codec.dumps(e)) for e in events[PARTITIONS * 2:]),
                rate=600))
            assert analyzed.until(lambda recs: len(recs) >= N_ARTICLES // 3, 120), (
                first.log()[-3000:])
            held = _assigned(first, env["ESCWATCH_TOPIC_RAW"])
            killed_ms = int(time.time() * 1000)
            assert first.stop(signal.SIGKILL) == -signal.SIGKILL
            at_kill = len(analyzed.poll())
            assert at_kill < N_ARTICLES - 500, "the kill came too late to be mid-stream"
            feeder.join(180)
            seen = check_outputs(kafka_bootstrap, env, events, expected,
                                 first.log() + second.log())
            analyzed.drain(1.0)
            pause = _largest_gap(analyzed.records, killed_ms)
            distinct = {r.key for r in analyzed.records}
            redelivered = len(analyzed.records) - len(distinct)
            print(f"\nscale-out kill: {len(distinct)}/{N_ARTICLES} analysed, "
                  f"{redelivered} redelivered ({redelivered / N_ARTICLES:.1%}), "
                  f"{sum(seen.values()) - len(seen)} duplicate alert records, "
                  f"killed worker held {len(held)} of {PARTITIONS} partitions; "
                  f"largest output pause after the kill {pause:.1f} s")
            assert len(distinct) == N_ARTICLES
            assert held, "the killed worker held no partitions"
            assert pause <= MAX_PAUSE, f"rebalance paused the output for {pause:.1f} s"
        finally:
            analyzed.close()

    def test_third_worker_joins_mid_stream(
        self, worker_env: dict[str, str], start_worker: Any, kafka_bootstrap: str
    ) -> None:
        """A third worker joining two others mid-stream takes partitions without loss."""
        env = {**worker_env, "ESCWATCH_PARTITIONS": str(PARTITIONS)}
        events = corpus(3_000, "join")
        expected = expected_alerts(env, events)
        analyzed = TopicReader(kafka_bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
        try:
            workers = _start_group(env, start_worker, analyzed, kafka_bootstrap, events, 2)
            feeder = Background(lambda: produce(
                kafka_bootstrap, env["ESCWATCH_TOPIC_RAW"],
                ((e["id"].encode(), codec.dumps(e)) for e in events[PARTITIONS * 2:]),
                rate=250))
            assert analyzed.until(lambda recs: len(recs) >= 800, 120)
            joined_ms = int(time.time() * 1000)
            third = start_worker(env)
            members = _wait_for_members(kafka_bootstrap, env["ESCWATCH_APP_ID"], 3, 120)
            join_seconds = time.time() - joined_ms / 1000
            at_join = len(analyzed.poll())
            feeder.join(180)
            check_outputs(kafka_bootstrap, env, events, expected,
                          "".join(w.log() for w in [*workers, third]))
            analyzed.drain(1.0)
            print(f"\nscale-out join: {len({r.key for r in analyzed.records})}/{len(events)} "
                  f"analysed; group had {members} members {join_seconds:.1f} s after the start "
                  f"of the third, at {at_join} analyses; "
                  f"largest output pause after the join "
                  f"{_largest_gap(analyzed.records, joined_ms):.1f} s")
            assert members == 3, third.log()[-3000:]
            assert at_join < len(events), "the third worker joined after the stream ended"
            assert third.proc.poll() is None, third.log()[-3000:]
        finally:
            analyzed.close()
