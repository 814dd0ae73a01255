"""The worker's agent reads input messages that Faust skipped (see streams.app._InputGaps)."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from streams.app import _InputGaps
from streams.config import Settings


def _gaps(committed: dict[tuple[str, int], int]) -> tuple[_InputGaps, list[Any]]:
    reads: list[Any] = []

    def read(settings: Settings, topic: str, start: int, end: int, partition: int = 0,
             timeout: float = 120.0) -> list[Any]:
        reads.append((topic, partition, start, end))
        return [f"{topic}[{partition}]@{o}" for o in range(start, end)]

    gaps = _InputGaps(Settings(), lambda t, p: committed.get((t, p)))
    patcher = patch("streams.app.clients.read_range", read)
    patcher.start()
    reads.append(patcher)
    return gaps, reads


def test_the_message_at_the_committed_offset_is_read_when_skipped() -> None:
    gaps, reads = _gaps({("raw", 0): 2})
    try:
        assert gaps.missing("raw", 0, 3) == ["raw[0]@2"]
        assert gaps.missing("raw", 0, 4) == []
        assert gaps.filled == 1
    finally:
        reads[0].stop()


def test_in_order_delivery_reads_nothing() -> None:
    gaps, reads = _gaps({("raw", 0): 2, ("raw", 1): 0})
    try:
        assert [gaps.missing("raw", 0, o) for o in (2, 3, 4)] == [[], [], []]
        assert gaps.missing("raw", 1, 0) == []
        assert reads[1:] == []
    finally:
        reads[0].stop()


def test_a_later_jump_reads_only_what_nobody_processed() -> None:
    """A jump past what this worker saw reads from the later of its own position and
    the committed offset (another worker may have had the partition meanwhile)."""
    committed = {("raw", 0): 0}
    gaps, reads = _gaps(committed)
    try:
        assert gaps.missing("raw", 0, 0) == []
        committed[("raw", 0)] = 5
        assert gaps.missing("raw", 0, 7) == ["raw[0]@5", "raw[0]@6"]
        assert gaps.missing("raw", 0, 3) == []  # a redelivery
    finally:
        reads[0].stop()


def test_unknown_position_reads_nothing() -> None:
    gaps, reads = _gaps({})
    try:
        assert gaps.missing("raw", 0, 9) == []
    finally:
        reads[0].stop()
