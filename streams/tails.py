"""Finds a partition whose newest messages Faust fetched but never delivered, and
rewinds it.

faust-streaming drops records it has already fetched when they arrive while a
partition is inactive (recovery, a rebalance, a new consumer generation); the client's
position has moved past them, so they are not fetched again. A dropped message in
the middle of a partition is noticed when the next one arrives (see ``_InputGaps`` in
:mod:`streams.app` and ``OffsetGate`` in :mod:`streams.stories.agents`), but nothing
follows the newest one: the agent waits for input that is already on the broker, and
its offset is never committed.

:class:`TailWatch` checks each watched partition on a timer. When the consumer's
position is past the next offset the agent expects, the agent's buffer is empty and
neither moved for :attr:`TailWatch.strikes` checks in a row, the partition is sought
back to that offset, so Faust fetches and delivers the messages again. A message
delivered twice this way (a check that saw it in flight) is processed twice with the
same outputs, as any at-least-once redelivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Follower", "TailWatch", "stream_buffered"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Follower:
    """What an agent tells the watch about one input topic.

    Attributes:
        expected: The next offset the agent expects on a partition (None: unknown,
            e.g. nothing seen yet and no committed offset).
        buffered: Whether messages are waiting in the agent's stream buffer.
    """

    expected: Callable[[int], int | None]
    buffered: Callable[[], bool]


def stream_buffered(stream: Any) -> Callable[[], bool]:
    """A check of whether messages wait in ``stream``'s buffer (its channel's queue;
    never, for a channel without one)."""
    queue = getattr(stream.channel, "queue", None)
    if queue is None:
        return lambda: False
    return lambda: not queue.empty()


class TailWatch:
    """Rewinds partitions whose newest messages were fetched but not delivered."""

    def __init__(self, strikes: int = 2) -> None:
        """``strikes``: checks in a row that must see the same stall before a rewind."""
        self.strikes = strikes
        self.followers: dict[str, Follower] = {}
        self.rewinds = 0
        self._seen: dict[tuple[str, int], tuple[int, int, int]] = {}
        self._rewound: dict[tuple[str, int], int] = {}

    def follow(self, topic: str, follower: Follower) -> None:
        """Watch ``topic`` (its partitions assigned to this worker)."""
        self.followers[topic] = follower

    def stalled(self, topic: str, partition: int, expected: int | None,
                position: int | None, buffered: bool) -> bool:
        """Whether to rewind: the position is past ``expected`` with nothing buffered,
        and so it was, unchanged, at the last ``strikes - 1`` checks; and the partition
        was not rewound to ``expected`` already."""
        key = (topic, partition)
        if expected is None or position is None or position <= expected or buffered:
            self._seen.pop(key, None)
            return False
        if self._rewound.get(key) == expected:
            # Rewound to this offset before and still not delivered: it no longer
            # exists (retention deleted it; the client reset to the log start). One
            # rewind per offset, so such a partition is not sought every check.
            return False
        last = self._seen.get(key)
        count = last[2] + 1 if last is not None and last[:2] == (expected, position) else 1
        if count >= self.strikes:
            self._seen.pop(key, None)
            self._rewound[key] = expected
            return True
        self._seen[key] = (expected, position, count)
        return False

    async def check(self, app: Any) -> int:
        """One round over the assigned partitions of the followed topics; returns the
        number of partitions rewound. Skipped while the app rebalances, recovers its
        tables or has its flow stopped, and for paused partitions (Faust seeks the
        partitions itself then)."""
        consumer = getattr(app, "consumer", None)
        if (consumer is None or getattr(app, "rebalancing", False)
                or not getattr(consumer, "flow_active", True) or _recovering(app)):
            return 0
        paused = getattr(consumer, "_paused_partitions", None) or set()
        rewound = 0
        for tp in sorted(consumer.assignment()):
            follower = self.followers.get(tp.topic)
            if follower is None or tp in paused:
                continue
            expected = follower.expected(tp.partition)
            if expected is None:
                continue
            position = await consumer.position(tp)
            if self.stalled(tp.topic, tp.partition, expected, position, follower.buffered()):
                log.warning("input %s[%d]: the consumer is at offset %d but offset %d was "
                            "never delivered; seeking back to it", tp.topic, tp.partition,
                            position, expected)
                await consumer.seek(tp, expected)
                self.rewinds += 1
                rewound += 1
        return rewound


def _recovering(app: Any) -> bool:
    """Whether Faust's table recovery has not completed yet (False without tables)."""
    tables = getattr(app, "tables", None)
    recovery = getattr(tables, "recovery", None) if tables is not None else None
    completed = getattr(recovery, "completed", None)
    return completed is not None and not completed.is_set()
