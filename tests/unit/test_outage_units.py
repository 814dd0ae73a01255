"""Pieces of outage handling without a broker: the repeat filter, readiness, the lag gauge,
the reconnect back-off and their settings."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import pytest

from streams import reconnect
from streams.config import Settings
from streams.errors import ConfigError
from streams.health import Readiness
from streams.logs import RepeatFilter, install
from streams.metrics import Metrics


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _logger(name: str, interval: float, clock: Clock) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RepeatFilter(interval, clock=clock))
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


class TestRepeatFilter:
    def test_repeats_collapse_to_one_line_per_interval_with_a_count(self) -> None:
        clock = Clock()
        logger, stream = _logger("aiokafka.client", 30.0, clock)
        for attempt in range(5000):
            clock.now = attempt * 0.01  # 100 a second for 50 s
            logger.error("Unable connect to node with id %s: attempt %d", 1, attempt)
        lines = stream.getvalue().splitlines()
        assert len(lines) == 2
        assert "attempt 0" in lines[0]
        assert "[repeated 2999 more times in the last 30 s]" in lines[1]

    def test_different_messages_and_other_loggers_pass(self) -> None:
        clock = Clock()
        logger, stream = _logger("faust.transport", 30.0, clock)
        logger.warning("one")
        logger.warning("two")
        logger.warning("one")
        other, other_stream = _logger("escwatch.health", 30.0, clock)
        for _ in range(3):
            other.warning("broker unreachable")
        assert stream.getvalue().splitlines() == ["one", "two"]
        assert len(other_stream.getvalue().splitlines()) == 3

    def test_traceback_only_on_the_first_line_of_a_window(self) -> None:
        clock = Clock()
        logger, stream = _logger("kafka.conn", 10.0, clock)
        for i in range(3):
            clock.now = i * 6.0
            try:
                raise OSError("refused")
            except OSError:
                logger.exception("connect failed")
        text = stream.getvalue()
        assert text.count("Traceback") == 1
        assert "[repeated 1 more times" in text

    def test_install_adds_one_shared_filter_to_root_handlers(self) -> None:
        root = logging.getLogger("test-root-for-install")
        root.handlers[:] = [logging.StreamHandler(io.StringIO()),
                            logging.StreamHandler(io.StringIO())]
        first = install(5.0, root)
        install(5.0, root)
        for handler in root.handlers:
            assert handler.filters == [first]


class TestReadiness:
    def test_ready_needs_broker_and_partitions(self) -> None:
        state = Readiness("b:9092")
        assert not state.ready(0.0)
        state.note_broker(True, None, 0.0)
        assert not state.ready(0.0)
        state.partitions = {"articles.raw:0": 0}
        assert state.ready(0.0)
        state.note_broker(False, "refused", 1.0)
        assert not state.ready(1.0)
        assert state.reasons(1.0) == ["broker unreachable"]

    def test_stalled_when_lag_waits_without_progress(self) -> None:
        state = Readiness("b:9092", stale_after=60.0)
        state.note_broker(True, None, 0.0)
        state.partitions = {"articles.raw:0": 12}
        state.note_progress(5, 0.0)
        assert state.ready(59.0)
        state.note_progress(5, 61.0)  # no change in the count
        assert not state.ready(61.0)
        assert "no progress" in state.reasons(61.0)[0]
        state.note_progress(6, 62.0)
        assert state.ready(62.0)

    def test_state_changes_are_logged_once_and_summaries_are_spaced(
            self, caplog: pytest.LogCaptureFixture) -> None:
        state = Readiness("b:9092", summary_every=30.0)
        with caplog.at_level(logging.INFO, logger="escwatch.health"):
            state.note_broker(True, None, 0.0)
            for second in range(1, 62):
                state.note_broker(False, "refused", 10.0 + second)
            state.note_broker(True, None, 80.0)
        messages = [r.getMessage() for r in caplog.records]
        assert messages[0].startswith("broker unreachable at b:9092")
        assert sum("still unreachable" in m for m in messages) == 2
        assert messages[-1].startswith("broker reachable again")
        assert len(messages) == 4

    def test_body_reports_lag_and_last_processed(self) -> None:
        metrics = Metrics()
        state = Readiness("b:9092")
        body = state.body(metrics, {"version": "x"})
        assert body["status"] == "not_ready"
        assert body["last_processed_at"] is None
        metrics.observe(level=None, error=None, seconds=0.01)
        state.note_broker(True, None, 0.0)
        state.partitions = {"articles.raw:0": 3, "articles.raw:1": 4}
        body = state.body(metrics, {"version": "x"})
        assert body["status"] == "ok"
        assert body["ready"] is True
        assert body["consumer_lag"] == 7
        assert body["last_processed_at"].endswith("Z")
        assert body["processed"] == 1


def test_consumer_lag_gauge_has_the_dashboard_name_and_labels() -> None:
    metrics = Metrics()
    metrics.set_lag({("articles.raw", 0): 5, ("articles.raw", 1): None})
    text = metrics.render().decode()
    assert 'escwatch_consumer_lag{partition="0",topic="articles.raw"} 5.0' in text
    assert 'partition="1"' not in text
    metrics.set_lag({("articles.raw", 1): 2})  # partition 0 revoked
    text = metrics.render().decode()
    assert 'partition="0"' not in text
    assert 'escwatch_consumer_lag{partition="1",topic="articles.raw"} 2.0' in text


def test_reconnect_backoff_slows_failed_metadata_refreshes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed refresh waits before it reports; the wait doubles and resets on success."""
    from aiokafka.client import AIOKafkaClient

    results = iter([False, False, False, True, False])

    async def fake_update(self: Any, cluster: Any, topics: Any) -> bool:
        return next(results)

    monkeypatch.setattr(AIOKafkaClient, "_metadata_update", fake_update)
    slept: list[float] = []

    async def fake_sleep(delay: float) -> None:
        slept.append(delay)

    monkeypatch.setattr(reconnect.asyncio, "sleep", fake_sleep)
    reconnect.install(100, 250)
    client = object.__new__(AIOKafkaClient)

    async def run() -> list[bool]:
        return [await AIOKafkaClient._metadata_update(client, None, None) for _ in range(5)]

    assert asyncio.run(run()) == [False, False, False, True, False]
    assert len(slept) == 4
    assert 0.1 <= slept[0] <= 0.12
    assert 0.2 <= slept[1] <= 0.24
    assert 0.25 <= slept[2] <= 0.3  # capped at the maximum
    assert 0.1 <= slept[3] <= 0.12  # reset by the success


def test_outage_settings_from_the_environment() -> None:
    settings = Settings.from_env({"ESCWATCH_CONNECT_TIMEOUT": "2.5",
                                  "ESCWATCH_RECONNECT_BACKOFF_MS": "100",
                                  "ESCWATCH_RECONNECT_BACKOFF_MAX_MS": "5000",
                                  "ESCWATCH_LOG_REPEAT_INTERVAL": "10",
                                  "ESCWATCH_HEALTH_STALE_SECONDS": "30"})
    assert settings.connect_timeout == 2.5
    assert settings.reconnect_backoff_ms == 100
    assert settings.reconnect_backoff_max_ms == 5000
    assert settings.log_repeat_interval == 10.0
    assert settings.health_stale_seconds == 30.0
    defaults = Settings.from_env({})
    assert defaults.connect_timeout == 4.0
    with pytest.raises(ConfigError, match="ESCWATCH_CONNECT_TIMEOUT"):
        Settings.from_env({"ESCWATCH_CONNECT_TIMEOUT": "0"})


class _TP:
    def __init__(self, topic: str, partition: int) -> None:
        self.topic, self.partition = topic, partition


class _Consumer:
    """The parts of Faust's consumer the lag reads: assignment, high watermarks,
    committed offsets and the first stored offsets."""

    def __init__(self, high: dict[int, int], committed: dict[int, int],
                 earliest: dict[int, int], answers: bool = True) -> None:
        self.tps = {p: _TP("articles.raw", p) for p in high}
        self.high = high
        self._committed_offset = {self.tps[p]: off for p, off in committed.items()}
        self.earliest = earliest
        self.answers = answers
        self.requests = 0

    def assignment(self) -> set[_TP]:
        return set(self.tps.values())

    def highwater(self, tp: _TP) -> int:
        return self.high[tp.partition]

    async def earliest_offsets(self, *tps: _TP) -> dict[_TP, int]:
        self.requests += 1
        if not self.answers:
            raise ConnectionError("broker away")
        return {tp: self.earliest[tp.partition] for tp in tps}


class _App:
    def __init__(self, consumer: _Consumer) -> None:
        self.consumer = consumer


class TestLagAfterRetention:
    """Records retention deleted are no lag: nobody can read them."""

    def test_deleted_records_before_anything_committed_are_not_lag(self) -> None:
        from streams.health import consumer_lag, log_starts

        # Partition 0: everything up to 900 deleted, nothing committed, 1000 written.
        # Partition 1: committed 40, records from 10 still stored, 50 written.
        app = _App(_Consumer({0: 1000, 1: 50}, {1: 40}, {0: 900, 1: 10}))
        plain = consumer_lag(app)
        assert plain == {("articles.raw", 0): 1000, ("articles.raw", 1): 10}
        starts = asyncio.run(log_starts(app, plain, 1.0))
        assert consumer_lag(app, starts) == {("articles.raw", 0): 100,
                                             ("articles.raw", 1): 10}

    def test_an_emptied_partition_has_no_lag_and_is_not_stalled(self) -> None:
        """All records deleted, nothing to commit: the worker is not stuck."""
        from streams.health import check

        consumer = _Consumer({0: 500}, {}, {0: 500})
        app = _App(consumer)
        state = Readiness("127.0.0.1:9092", stale_after=0.0)
        metrics = Metrics()

        async def probe(*_: Any) -> None:
            return None

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("streams.health.probe_broker", probe)
            asyncio.run(check(app, state, metrics, 1.0))
        assert state.lag() == 0
        assert not state.stalled(10.0 ** 12)
        assert consumer.requests == 1

    def test_no_answer_keeps_the_plain_lag(self) -> None:
        from streams.health import consumer_lag, log_starts

        app = _App(_Consumer({0: 1000}, {}, {0: 900}, answers=False))
        starts = asyncio.run(log_starts(app, [("articles.raw", 0)], 1.0))
        assert starts == {}
        assert consumer_lag(app, starts) == {("articles.raw", 0): 1000}
