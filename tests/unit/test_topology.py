"""Topic plans, the wait for a broker that is not up yet, and web ports from a range."""

from __future__ import annotations

import logging
import socket

import pytest

from streams import clients, topology
from streams.config import Settings
from streams.localkafka.util import free_port


class TestPlan:
    @pytest.mark.parametrize(("brokers", "replication", "min_insync"),
                             [(1, 1, 1), (2, 2, 1), (3, 3, 2), (5, 3, 2)])
    def test_replication_is_capped_by_the_cluster(
        self, brokers: int, replication: int, min_insync: int
    ) -> None:
        """Replication 3 is asked for; a smaller cluster gets what it can hold, and
        min.insync.replicas is 2 only where three replicas exist."""
        chosen = topology.plan(Settings(partitions=4), brokers)
        assert (chosen.partitions, chosen.replication, chosen.min_insync) == (
            4, replication, min_insync)

    def test_replication_setting_below_the_cluster_size_wins(self) -> None:
        """ESCWATCH_REPLICATION=1 keeps one replica even on three brokers."""
        chosen = topology.plan(Settings.from_env({"ESCWATCH_REPLICATION": "1"}), 3)
        assert (chosen.replication, chosen.min_insync) == (1, 1)

    def test_worker_topics_follow_the_settings(self) -> None:
        """The renamed topics are the ones created, input first."""
        settings = Settings.from_env({"ESCWATCH_TOPIC_RAW": "in.x", "ESCWATCH_TOPIC_ALERTS": "al"})
        names = topology.worker_topics(settings)
        assert names[0] == "in.x"
        assert "al" in names
        assert len(set(names)) == 4

    def test_trends_topic_is_created_when_stories_are_on(self) -> None:
        """The story step only sends to monitoring.trends: the worker creates it first."""
        off = topology.worker_topics(Settings.from_env({"ESCWATCH_TOPIC_TRENDS": "tr"}))
        on = topology.worker_topics(Settings.from_env({"ESCWATCH_TOPIC_TRENDS": "tr",
                                                       "ESCWATCH_STORIES": "1"}))
        assert "tr" not in off
        assert on[-1] == "tr"


class TestWaitForBroker:
    def test_waits_with_backoff_and_logs_once(
        self, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Three refusals give one warning, doubling waits, then the topics are created."""
        attempts: list[int] = []

        def create(settings: Settings) -> list[str]:
            attempts.append(1)
            if len(attempts) <= 3:
                raise clients.KafkaUnavailableError("no broker")
            return ["a"]

        waits: list[float] = []
        monkeypatch.setattr(topology, "_create_missing", create)
        with caplog.at_level(logging.WARNING, logger="streams.topology"):
            created = topology.ensure_worker_topics(Settings(), sleep=waits.append)
        assert created == ["a"]
        assert waits == [0.5, 1.0, 2.0]
        messages = [r.getMessage() for r in caplog.records]
        assert sum("waiting for Kafka" in m for m in messages) == 1
        assert any("answers again" in m for m in messages)


class TestWebPort:
    def test_a_taken_port_moves_to_the_next(self) -> None:
        """With the first port bound by someone else, the next free one is chosen."""
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            taken = holder.getsockname()[1]
            chosen, lock = topology.pick_web_port("127.0.0.1", taken, 5)
        assert taken < chosen < taken + 5
        assert lock is not None
        lock.close()

    def test_workers_starting_together_claim_different_ports(self) -> None:
        """Two claims made before either worker binds get two different ports."""
        base = free_port(5)
        first, lock_a = topology.pick_web_port("127.0.0.1", base, 5)
        second, lock_b = topology.pick_web_port("127.0.0.1", base, 5)
        assert first != second
        for lock in (lock_a, lock_b):
            assert lock is not None
            lock.close()
        again, lock_c = topology.pick_web_port("127.0.0.1", base, 5)
        assert again == first, "a released claim is free again"
        assert lock_c is not None
        lock_c.close()

    def test_a_range_of_one_fails_with_the_settings_named(self) -> None:
        """When only the taken port may be used, the error names the settings to change."""
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            holder.listen()
            taken = holder.getsockname()[1]
            with pytest.raises(OSError, match="ESCWATCH_WEB_PORT_RANGE"):
                topology.pick_web_port("127.0.0.1", taken, 1)
