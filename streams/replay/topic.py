"""Ranges of a Kafka topic: offset or time bounds per partition, and reading them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from streams.config import Settings
from streams.errors import ConfigError, EscwatchError

__all__ = ["TopicRange", "iter_range", "parse_time", "read_topic", "resolve_range"]

# ----------------------------------------------------------------- topic range


@dataclass(frozen=True, slots=True)
class TopicRange:
    """The records ``[start, end)`` of each partition of a topic.

    Attributes:
        topic: Source topic.
        bounds: Partition number to (first offset, offset past the last).
    """

    topic: str
    bounds: dict[int, tuple[int, int]]

    @property
    def size(self) -> int:
        """Number of records in the range."""
        return sum(max(end - start, 0) for start, end in self.bounds.values())

    def describe(self) -> dict[str, Any]:
        """JSON-ready form for manifests and run ids."""
        return {"topic": self.topic,
                "partitions": {str(p): list(b) for p, b in sorted(self.bounds.items())}}


def parse_time(text: str) -> int:
    """Milliseconds since the epoch from RFC 3339 text or a number of ms.

    Raises:
        ConfigError: when the text is neither.
    """
    if text.isdigit():
        return int(text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"{text!r} is not an RFC 3339 time or epoch milliseconds") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def resolve_range(consumer: Any, topic: str, *, from_offset: int | None = None,
                  to_offset: int | None = None, from_time: int | None = None,
                  to_time: int | None = None) -> TopicRange:
    """Turn offset or time bounds into per-partition offsets.

    Offsets apply to every partition (a single-partition topic is the usual
    case); a time bound becomes, per partition, the first offset whose
    timestamp is at or after it (``offsets_for_times``), or the end when there
    is none. Missing bounds mean the beginning and the current end.

    Raises:
        ConfigError: when the topic does not exist.
    """
    from kafka import TopicPartition

    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise ConfigError(f"topic {topic} does not exist")
    parts = [TopicPartition(topic, p) for p in sorted(partitions)]
    first = consumer.beginning_offsets(parts)
    last = consumer.end_offsets(parts)

    def by_time(ms: int) -> dict[Any, int]:
        found = consumer.offsets_for_times(dict.fromkeys(parts, ms))
        return {tp: (found[tp].offset if found.get(tp) is not None else last[tp])
                for tp in parts}

    starts = by_time(from_time) if from_time is not None else dict(first)
    ends = by_time(to_time) if to_time is not None else dict(last)
    bounds = {}
    for tp in parts:
        start = max(first[tp], from_offset if from_offset is not None else starts[tp])
        end = min(last[tp], to_offset if to_offset is not None else ends[tp])
        bounds[tp.partition] = (start, max(start, end))
    return TopicRange(topic, bounds)


def iter_range(consumer: Any, selection: TopicRange) -> Iterator[Any]:
    """Yield every record of ``selection``, partition by partition."""
    from kafka import TopicPartition

    for partition, (start, end) in sorted(selection.bounds.items()):
        if end <= start:
            continue
        tp = TopicPartition(selection.topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, start)
        position = start
        idle = 0
        while position < end:
            batch = consumer.poll(timeout_ms=500, max_records=500)
            if not batch:
                idle += 1
                if idle > 120:
                    raise EscwatchError(f"{selection.topic}[{partition}] stalled at offset "
                                        f"{position} before {end}")
                continue
            idle = 0
            for record in batch.get(tp, []):
                if record.offset >= end:
                    position = end
                    break
                position = record.offset + 1
                yield record


def read_topic(settings: Settings, topic: str) -> list[Any]:
    """Every record of ``topic`` from the beginning to its current end."""
    from streams.clients import consumer

    cons = consumer(settings)
    try:
        if not cons.partitions_for_topic(topic):
            return []
        return list(iter_range(cons, resolve_range(cons, topic)))
    finally:
        cons.close()
