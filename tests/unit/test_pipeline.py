"""Routing of single messages: every kind of bad input becomes a dead letter with its reason
and origin, good input becomes an analysis (and maybe an alert), and nothing raises."""

from __future__ import annotations

import asyncio
import base64
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from streams import app as worker_app
from streams import codec
from streams.core.analyze import Analyzer
from streams.pipeline import Origin, Outgoing, Routed, dead_letter_record, route

ORIGIN = Origin("articles.raw.test", 2, 41)
NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
GOOD_TEXT = "Russia deployed troops to the border with Ukraine, officials said."


def _event(**fields: Any) -> bytes:
    return codec.dumps({"id": "a1", "text": GOOD_TEXT, **fields})


def _nested(depth: int) -> bytes:
    return b'{"id": "deep", "text": "t", "x": ' + b"[" * depth + b"]" * depth + b"}"


BAD_INPUTS: list[tuple[str, bytes | None, str, str]] = [
    # (case, value, reason, fragment of the error message)
    ("invalid JSON", b'{"id": "x", "text": ', "decode_error", "not valid JSON"),
    ("JSON array", b'["id", "text"]', "decode_error", "JSON object"),
    ("JSON string", b'"just a string"', "decode_error", "JSON object"),
    ("missing text", b'{"id": "x"}', "schema_error", "text"),
    ("missing id", b'{"text": "Troops moved."}', "schema_error", "id"),
    ("id of wrong type", b'{"id": 7, "text": "Troops moved."}', "schema_error", "id"),
    ("text of wrong type", b'{"id": "x", "text": ["a"]}', "schema_error", "text"),
    ("bad published_at", _event(published_at="yesterday"), "schema_error", "published_at"),
    ("empty text", b'{"id": "x", "text": ""}', "schema_error", "text"),
    ("whitespace text", b'{"id": "x", "text": " \\n\\t "}', "schema_error", "empty"),
    ("markup-only text", b'{"id": "x", "text": "<p><br/></p>"}', "schema_error", "empty"),
    ("non-UTF-8 bytes", b'{"id": "x", "text": "caf\xe9"}', "decode_error", "UTF-8"),
    ("UTF-16 bytes", '{"id": "x", "text": "t"}'.encode("utf-16"), "decode_error", "UTF-8"),
    ("escaped NUL in text", b'{"id": "x", "text": "a\\u0000b"}', "schema_error", "NUL"),
    ("raw NUL byte", b'{"id": "x", "text": "a\x00b"}', "decode_error", "JSON"),
    ("nested past our limit", _nested(40), "decode_error", "nested deeper than 32"),
    ("nested past the parser's limit", _nested(5000), "decode_error", "depth limit"),
    ("over the size limit", _event(text="war " * 300_000), "too_large", "over the limit"),
    ("tombstone", None, "decode_error", "tombstone"),
]


def _route(analyzer: Analyzer, value: bytes | None, **kwargs: Any) -> Routed:
    return route(value, b"key-1", ORIGIN, analyzer, now=NOW, **kwargs)


class TestBadInputIsDeadLettered:
    @pytest.mark.parametrize(("case", "value", "reason", "fragment"), BAD_INPUTS,
                             ids=[c[0] for c in BAD_INPUTS])
    def test_bad_input_becomes_one_dead_letter_with_reason_and_origin(
        self, analyzer: Analyzer, case: str, value: bytes | None, reason: str, fragment: str
    ) -> None:
        """Each kind of bad input yields exactly one deadletter.v1 record carrying the original
        bytes, the reason, a clear message and the source topic, partition and offset."""
        routed = _route(analyzer, value)
        assert routed.error == reason
        assert [r.destination for r in routed.records] == ["deadletter"]
        record = codec.loads(routed.records[0].value)
        codec.validate(record, "deadletter.v1")
        assert record["reason"] == reason
        assert fragment.lower() in record["error"].lower(), record["error"]
        assert base64.b64decode(record["original_b64"]) == (value or b"")
        assert record["original_size"] == len(value or b"")
        assert base64.b64decode(record["original_key_b64"]) == b"key-1"
        assert (record["topic"], record["partition"], record["offset"]) == (
            "articles.raw.test", 2, 41)
        assert record["time"] == "2025-01-02T03:04:05Z"
        assert routed.records[0].key == b"key-1"

    def test_configured_size_limit_applies(self, analyzer: Analyzer) -> None:
        """A message under the broker limit but over ESCWATCH_MAX_MESSAGE_BYTES is too_large."""
        value = _event(text="Tanks rolled. " * 6_000)
        assert 64 * 1024 < len(value) < 1_000_000
        assert _route(analyzer, value).error is None
        assert _route(analyzer, value, max_bytes=64 * 1024).error == "too_large"

    def test_core_failure_is_a_processing_error_not_a_crash(
        self, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An exception inside the core becomes a processing_error dead letter."""
        def boom(article: Any) -> Any:
            raise RuntimeError("core bug")
        monkeypatch.setattr(analyzer, "analyze", boom)
        routed = _route(analyzer, _event())
        assert routed.error == "processing_error"
        assert "core bug" in codec.loads(routed.records[0].value)["error"]


class TestGoodInputIsAnalysed:
    def test_markup_is_stripped_and_the_article_analysed(self, analyzer: Analyzer) -> None:
        """HTML in the text is removed, not rejected, and offsets index the stripped text."""
        value = _event(text="<p>Russia <b>deployed troops</b> to the border with Ukraine.</p>"
                            "<script>alert('x')</script>")
        routed = _route(analyzer, value)
        assert routed.error is None
        analysis = routed.analysis
        assert analysis is not None
        codec.validate(analysis, "analysis.v1")
        for signal in analysis["signals"]:
            assert "<" not in signal["sentence"]
            assert "alert(" not in signal["sentence"]

    def test_very_long_single_line_is_analysed(self, analyzer: Analyzer) -> None:
        """A 900 KB article on one line, with no sentence end, is analysed, not rejected."""
        value = _event(text="Russia deployed troops " + "x" * 900_000)
        routed = _route(analyzer, value)
        assert routed.error is None
        assert routed.records[0].destination == "analyzed"

    def test_analysis_keyed_by_article_and_alert_by_alert_id(
        self, analyzer: Analyzer, seed_event: dict[str, Any]
    ) -> None:
        """The seed article gives an analysis keyed by its id and an alert keyed by alert id."""
        routed = _route(analyzer, codec.dumps(seed_event))
        analyzed, alert = routed.records
        assert (analyzed.destination, analyzed.key) == ("analyzed", seed_event["id"].encode())
        alert_obj = codec.loads(alert.value)
        codec.validate(alert_obj, "alert.v1")
        assert (alert.destination, alert.key) == ("alerts", alert_obj["id"].encode())
        assert routed.level == alert_obj["level"]

    def test_redelivery_gives_identical_records(
        self, analyzer: Analyzer, seed_event: dict[str, Any]
    ) -> None:
        """Routing the same message twice gives byte-identical outputs (idempotent alerts)."""
        first = _route(analyzer, codec.dumps(seed_event))
        again = route(codec.dumps(seed_event), b"key-1", Origin("other", 0, 9), analyzer)
        assert first.records == again.records


class TestPublishLimit:
    def test_records_under_the_limit_pass_unchanged(self, analyzer: Analyzer) -> None:
        """Normal outputs are published as routed."""
        routed = _route(analyzer, _event())
        assert worker_app.fit_for_publish(routed, _event(), b"k", ORIGIN) is routed

    def test_oversized_dead_letter_keeps_the_head_of_the_original(
        self, analyzer: Analyzer
    ) -> None:
        """A dead letter whose base64 original is over the publish limit is cut to fit and
        says so, keeping reason, origin and the real size."""
        value = _event(text="war " * 200_000)
        routed = _route(analyzer, value, max_bytes=64 * 1024)
        fitted = worker_app.fit_for_publish(routed, value, b"key-1", ORIGIN, limit=100_000)
        (record,) = fitted.records
        assert len(record.value) <= 100_000
        obj = codec.loads(record.value)
        codec.validate(obj, "deadletter.v1")
        assert obj["reason"] == "too_large"
        assert obj["original_size"] == len(value)
        assert value.startswith(base64.b64decode(obj["original_b64"]))
        assert "truncated" in obj["error"]

    def test_oversized_analysis_becomes_a_processing_error(self, analyzer: Analyzer) -> None:
        """An analysis too big to publish is replaced by a processing_error dead letter."""
        value = _event(text=GOOD_TEXT * 50)
        routed = _route(analyzer, value)
        fitted = worker_app.fit_for_publish(routed, value, b"key-1", ORIGIN, limit=2_000)
        (record,) = fitted.records
        assert record.destination == "deadletter"
        assert len(record.value) <= 2_000
        obj = codec.loads(record.value)
        codec.validate(obj, "deadletter.v1")
        assert (obj["reason"], obj["article_id"], obj["offset"]) == ("processing_error", "a1", 41)
        assert fitted.error == "processing_error"
        # The same builder as every other dead letter: the same time format.
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", obj["time"]), obj["time"]

    def test_dead_letter_time_is_utc_whole_seconds(self) -> None:
        """Any aware clock is written in UTC, to the second (pipeline.DEADLETTER_TIME_FORMAT)."""
        when = datetime(2025, 1, 2, 5, 4, 5, 987_654, tzinfo=timezone(timedelta(hours=2)))
        record = dead_letter_record(b"x", None, ORIGIN, "decode_error", "bad", when)
        codec.validate(record, "deadletter.v1")
        assert record["time"] == "2025-01-02T03:04:05Z"
        assert (record["original_key_b64"], record["article_id"]) == (None, None)


class _Topic:
    """A fake Faust topic whose sends are acknowledged when the test says so."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.futures: list[asyncio.Future[None]] = []

    async def send(self, *, key: bytes | None, value: bytes,
                   headers: Any = None) -> asyncio.Future[None]:
        fut: asyncio.Future[None] = self.loop.create_future()
        self.futures.append(fut)
        return fut


class TestPublishAcksAfterDelivery:
    async def test_event_is_acked_only_after_every_send_is_acknowledged(self) -> None:
        """publish() returns once the records are handed to the producer, but calls back (so
        the event is acked and its offset may be committed) only when the broker has
        acknowledged all of the event's records."""
        topic = _Topic(asyncio.get_running_loop())
        records = (Outgoing("analyzed", b"a", b"{}"), Outgoing("alerts", b"b", b"{}"))
        acked: list[str] = []
        await worker_app.publish({"analyzed": topic, "alerts": topic}, records,
                                 lambda: acked.append("event"))
        assert len(topic.futures) == 2
        await asyncio.sleep(0.01)
        assert acked == []
        topic.futures[0].set_result(None)
        await asyncio.sleep(0.01)
        assert acked == []
        topic.futures[1].set_result(None)
        await asyncio.sleep(0.01)
        assert acked == ["event"]

    async def test_nothing_to_wait_for_acks_at_once(self) -> None:
        """Sends that return no delivery future (in-memory tests) ack the event at once."""
        class Instant:
            async def send(self, *, key: bytes | None, value: bytes,
                           headers: Any = None) -> None:
                return None
        acked: list[int] = []
        await worker_app.publish({"analyzed": Instant()}, (Outgoing("analyzed", b"a", b"{}"),),
                                 lambda: acked.append(1))
        assert acked == [1]

    async def test_failed_delivery_exits_without_acking(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A send the broker refuses makes the worker exit with EXIT_DELIVERY_FAILED and the
        event is never acked, so its offset is never committed."""
        codes: list[int] = []
        monkeypatch.setattr(worker_app, "_exit_now", codes.append)
        topic = _Topic(asyncio.get_running_loop())
        acked: list[int] = []
        await worker_app.publish({"analyzed": topic}, (Outgoing("analyzed", b"a", b"{}"),),
                                 lambda: acked.append(1))
        topic.futures[0].set_exception(RuntimeError("MessageSizeTooLarge"))
        await asyncio.sleep(0.01)
        assert codes == [worker_app.EXIT_DELIVERY_FAILED]
        assert acked == []

    async def test_refused_send_exits_without_acking(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A send that raises at once (e.g. record too large for the producer) exits too."""
        codes: list[int] = []
        monkeypatch.setattr(worker_app, "_exit_now", codes.append)

        class Refusing:
            async def send(self, *, key: bytes | None, value: bytes,
                           headers: Any = None) -> None:
                raise RuntimeError("producer refused")
        acked: list[int] = []
        await worker_app.publish({"analyzed": Refusing()}, (Outgoing("analyzed", b"a", b"{}"),),
                                 lambda: acked.append(1))
        assert codes == [worker_app.EXIT_DELIVERY_FAILED]
        assert acked == []


class TestBatchAcks:
    async def test_each_message_of_a_batch_is_acked_only_after_its_own_outputs(self) -> None:
        """A batch's outputs are handed to the producer together, but each input message is
        acked (and its journal note cleared) only when the broker confirmed every output of
        that message, whatever the other messages' deliveries do."""
        from types import SimpleNamespace

        from streams.metrics import Metrics

        topic = _Topic(asyncio.get_running_loop())
        acked: list[int] = []
        done: list[int] = []

        def event(offset: int) -> Any:
            return SimpleNamespace(ack=lambda: acked.append(offset),
                                   message=SimpleNamespace(topic="raw", partition=0,
                                                           offset=offset))

        journal = SimpleNamespace(done=lambda t, p, o: done.append(o))
        ready = [worker_app._Ready(event(n), Routed((Outgoing("analyzed", b"a", b"{}"),
                                                     Outgoing("alerts", b"b", b"{}"))),
                                   None, 0.0) for n in range(3)]
        await worker_app._publish_batch({"analyzed": topic, "alerts": topic}, ready,
                                        Metrics(), journal)  # type: ignore[arg-type]
        assert len(topic.futures) == 6
        assert acked == []
        for fut in topic.futures[2:4]:  # message 1's two outputs
            fut.set_result(None)
        await asyncio.sleep(0.01)
        assert acked == [1]
        assert done == [1]
        topic.futures[0].set_result(None)  # one of message 0's outputs only
        await asyncio.sleep(0.01)
        assert acked == [1]
        for fut in (topic.futures[1], *topic.futures[4:]):
            fut.set_result(None)
        await asyncio.sleep(0.01)
        assert sorted(acked) == [0, 1, 2]
