"""Broker loss on a replicated cluster: three local KRaft nodes, SIGKILL of one in the middle
of a stream and its return; every article is analysed and every expected alert arrives."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from streams import codec
from streams.localkafka import cluster as kafka_cluster
from streams.localkafka.util import free_port
from tests.integration.test_crash_recovery import (
    Background,
    TopicReader,
    check_outputs,
    corpus,
    expected_alerts,
    produce,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]

N_ARTICLES = 3_000


@pytest.fixture
def cluster(kafka_bootstrap: str) -> Iterator[kafka_cluster.Cluster]:
    """A fresh three-node cluster on free ports, stopped after the test. (The session broker
    is requested only so that a missing Java fails the same way as elsewhere.)"""
    base = free_port(6)
    started = kafka_cluster.up(base, 3)
    try:
        yield started
    finally:
        kafka_cluster.down(base)


class TestBrokerLoss:
    def test_sigkill_of_one_broker_loses_nothing(
        self, cluster: kafka_cluster.Cluster, worker_env: dict[str, str], start_worker: Any
    ) -> None:
        """Topics get three replicas and min.insync.replicas 2; one node is killed with
        SIGKILL mid-stream (two of three quorum voters remain) and restarted later. All
        articles are analysed and the alerts match the offline analysis."""
        env = {**worker_env, "KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrap,
               "ESCWATCH_PARTITIONS": "3", "ESCWATCH_REPLICATION": "3"}
        events = corpus(N_ARTICLES, "failover")
        expected = expected_alerts(env, events)
        analyzed = TopicReader(cluster.bootstrap, env["ESCWATCH_TOPIC_ANALYZED"])
        workers = [start_worker(env)]
        try:
            produce(cluster.bootstrap, env["ESCWATCH_TOPIC_RAW"],
                    [(e["id"].encode(), codec.dumps(e)) for e in events[:5]])
            assert analyzed.until(lambda recs: len(recs) >= 5, 120), workers[0].log()[-3000:]
            feeder = Background(lambda: produce(
                cluster.bootstrap, env["ESCWATCH_TOPIC_RAW"],
                ((e["id"].encode(), codec.dumps(e)) for e in events[5:]), rate=200))
            assert analyzed.until(lambda recs: len(recs) >= N_ARTICLES // 4, 120)
            victim = cluster.nodes[1]
            kafka_cluster.kill_node(victim)
            at_kill = len(analyzed.poll())
            assert at_kill < N_ARTICLES - 500, "the kill came too late to be mid-stream"
            time.sleep(10)
            kafka_cluster.start_node(cluster, victim)
            feeder.join(300)
            restarts = 0
            # A supervisor (compose, systemd) restarts a worker that exits; do the same.
            while workers[-1].proc.poll() is not None and restarts < 3:
                restarts += 1
                workers.append(start_worker(env))
            check_outputs(cluster.bootstrap, env, events, expected,
                          "".join(w.log() for w in workers))
            print(f"\nbroker failover: node {victim.node_id} killed after {at_kill} analyses "
                  f"and restarted 10 s later; {N_ARTICLES}/{N_ARTICLES} analysed, "
                  f"{len(expected)} alerts; worker restarts {restarts}")
        finally:
            analyzed.close()
