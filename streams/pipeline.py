"""Routing of one input message to its output records, without any Kafka.

The worker's agent, the file-based replay and the in-memory tests all call
:func:`route`, so what reaches Kafka is exactly what a test sees. The function
never raises for bad input: a message that cannot be processed becomes a
dead-letter record carrying the original bytes, the reason and where it came
from.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from streams import codec, fitting
from streams.config import MAX_MESSAGE_BYTES, Settings
from streams.core.analyze import AnalysisOptions, Analyzer
from streams.core.scoring import ScoringOptions
from streams.errors import DecodeError
from streams.knowledge.loader import load_knowledge

__all__ = ["DEADLETTER_TIME_FORMAT", "Origin", "Outgoing", "Routed", "build_analyzer",
           "dead_letter", "dead_letter_record", "route"]

log = logging.getLogger(__name__)

Destination = Literal["analyzed", "alerts", "deadletter", "stories", "trends", "assigned"]

DEADLETTER_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
"""The ``time`` of every dead letter: RFC 3339 in UTC, whole seconds."""


def build_analyzer(settings: Settings) -> Analyzer:
    """Load the knowledge base (``settings.knowledge_dir`` over the packaged files)
    and compile the core once, with the configured alert threshold."""
    options = AnalysisOptions(scoring=ScoringOptions(alert_threshold=settings.alert_threshold))
    return Analyzer(load_knowledge(settings.knowledge_dir), options)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an input message came from.

    Attributes:
        topic: Source topic (or file name for file replays).
        partition: Source partition (0 for files).
        offset: Offset in the partition (line number for files).
    """

    topic: str
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One record to publish.

    Attributes:
        destination: Which output topic: "analyzed", "alerts", "deadletter", or
            "stories" (the story step's input, ``<app id>-stories.input``); the
            story step itself also sends to "trends" and "assigned"
            (``<app id>-stories.assigned``).
        key: Record key bytes (article id, alert id).
        value: Record value bytes (JSON).
    """

    destination: Destination
    key: bytes | None
    value: bytes


@dataclass(frozen=True, slots=True)
class Routed:
    """What one input produced.

    Attributes:
        records: Output records in publishing order.
        article_id: The article id, when it could be read.
        level: Alert level when an alert was raised.
        error: The dead-letter reason when the input was rejected.
        analysis: The analysis object as a dict, when the input was valid.
    """

    records: tuple[Outgoing, ...]
    article_id: str | None = None
    level: str | None = None
    error: str | None = None
    analysis: dict[str, Any] | None = None


def _article_id(value: bytes | None, key: bytes | None) -> str | None:
    """The article id of a rejected message: its JSON ``id`` when that can be read,
    else the record key."""
    if value:
        with contextlib.suppress(DecodeError, ValueError, TypeError):
            obj = codec.loads(value)
            if isinstance(obj, dict) and isinstance(obj.get("id"), str) and obj["id"]:
                return str(obj["id"])
    return key.decode("utf-8", "replace") if key else None


def dead_letter_record(value: bytes | None, key: bytes | None, origin: Origin, reason: str,
                       message: str, now: datetime | None = None) -> dict[str, Any]:
    """The one ``deadletter.v1`` record builder (see ``streams/schemas/deadletter.v1.json``).

    Args:
        value: The rejected message value (kept whole, base64; the worker may
            cut it to fit the publish limit, see :func:`streams.app.fit_for_publish`).
        key: Its key.
        origin: Where it came from.
        reason: One of the schema's reasons (``decode_error``, ``poison``, ...).
        message: What is wrong, for people.
        now: Rejection time (default: the wall clock), written in
            :data:`DEADLETTER_TIME_FORMAT`.
    """
    when = (now or datetime.now(UTC)).astimezone(UTC).strftime(DEADLETTER_TIME_FORMAT)
    return {
        "schema": "deadletter.v1",
        "reason": reason,
        "error": message,
        "original_b64": codec.b64(value) or "",
        "original_key_b64": codec.b64(key),
        "original_size": len(value or b""),
        "topic": origin.topic,
        "partition": origin.partition,
        "offset": origin.offset,
        "time": when,
        "article_id": _article_id(value, key),
    }


def dead_letter(value: bytes | None, key: bytes | None, origin: Origin, reason: str,
                message: str, now: datetime | None = None) -> Outgoing:
    """A ``deadletter.v1`` record (:func:`dead_letter_record`) to publish."""
    return Outgoing("deadletter", key,
                    codec.dumps(dead_letter_record(value, key, origin, reason, message, now)))


def route(
    value: bytes | None,
    key: bytes | None,
    origin: Origin,
    analyzer: Analyzer,
    *,
    max_bytes: int = MAX_MESSAGE_BYTES,
    run_id: str | None = None,
    now: datetime | None = None,
    publish_limit: int = MAX_MESSAGE_BYTES,
    stories: bool = False,
) -> Routed:
    """Decode, analyse and encode one message.

    Args:
        value: The message value bytes.
        key: The message key bytes, if any.
        origin: Where it came from, recorded on dead letters.
        analyzer: The compiled core.
        max_bytes: Largest accepted message.
        run_id: Replay run id stamped on outputs, or None for live.
        now: Clock for dead-letter times (tests pass a fixed one).
        publish_limit: Largest record value that can be published; a bigger
            analysis or alert is degraded to fit (see :mod:`streams.fitting`).
        stories: Also emit the story step's record of the article
            (:func:`streams.stories.record.compact_record`, destination "stories"),
            so the article is analysed once whether the stories are on or not.

    Returns:
        The records to publish: an analysis, maybe an alert and the story
        record, or one dead-letter record.
    """
    try:
        article, sent_at = codec.decode_event(value, max_bytes=max_bytes)
    except DecodeError as exc:
        log.warning("dead letter %s:%d@%d: %s", origin.topic, origin.partition, origin.offset, exc)
        return Routed((dead_letter(value, key, origin, exc.reason, str(exc), now),),
                      error=exc.reason)
    try:
        analysis = analyzer.analyze(article).to_dict()
    except Exception as exc:  # a core bug must not stop the stream
        log.exception("analysis failed for article %r", article.id)
        return Routed(
            (dead_letter(value, key, origin, "processing_error",
                         f"analysis failed: {type(exc).__name__}: {exc}", now),),
            article_id=article.id, error="processing_error")
    if sent_at is not None:
        analysis["sent_at_ms"] = sent_at
    if run_id:
        analysis["run_id"] = run_id
    records = [Outgoing("analyzed", article.id.encode(),
                        fitting.fit_analysis(analysis, publish_limit))]
    # The alert body stays free of the run id so a replay's alerts are
    # byte-identical to the live ones; the run shows in the topic name.
    alert = analysis["alert"]
    if alert is not None:
        records.append(Outgoing("alerts", alert["id"].encode(),
                                fitting.fit_alert(alert, publish_limit)))
    if stories:
        from streams.stories.record import compact_record

        try:
            story = codec.dumps(compact_record(article, analysis))
        except Exception as exc:  # a bug in the features must not stop the stream
            log.exception("story record failed for article %r", article.id)
            return Routed(
                (dead_letter(value, key, origin, "processing_error",
                             f"story record failed: {type(exc).__name__}: {exc}", now),),
                article_id=article.id, error="processing_error")
        records.append(Outgoing("stories", article.id.encode(), story))
    return Routed(tuple(records), article_id=article.id,
                  level=alert["level"] if alert else None, analysis=analysis)

