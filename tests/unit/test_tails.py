"""The watch that rewinds a partition whose newest messages Faust never delivered."""

from __future__ import annotations

import asyncio
from typing import Any, NamedTuple

from streams.tails import Follower, TailWatch, stream_buffered


class TP(NamedTuple):
    topic: str
    partition: int


class FakeConsumer:
    """The few consumer calls the watch makes; seeks are recorded."""

    def __init__(self, positions: dict[TP, int], flow_active: bool = True) -> None:
        self.positions = positions
        self.flow_active = flow_active
        self.seeks: list[tuple[TP, int]] = []

    def assignment(self) -> set[TP]:
        return set(self.positions)

    async def position(self, tp: TP) -> int | None:
        return self.positions.get(tp)

    async def seek(self, tp: TP, offset: int) -> None:
        self.seeks.append((tp, offset))
        self.positions[tp] = offset


class FakeApp:
    def __init__(self, consumer: FakeConsumer, rebalancing: bool = False) -> None:
        self.consumer = consumer
        self.rebalancing = rebalancing


def _run(watch: TailWatch, app: Any) -> int:
    return asyncio.run(watch.check(app))


def test_a_stall_is_rewound_only_after_the_strikes() -> None:
    watch = TailWatch(strikes=2)
    assert not watch.stalled("raw", 0, 3, 4, buffered=False)
    assert watch.stalled("raw", 0, 3, 4, buffered=False)
    # One rewind per offset: one that is still not delivered after it is gone
    # (retention), and seeking to it again would repeat forever.
    for _ in range(4):
        assert not watch.stalled("raw", 0, 3, 4, buffered=False)
    # The next stall, at another offset, is rewound again.
    assert not watch.stalled("raw", 0, 8, 9, buffered=False)
    assert watch.stalled("raw", 0, 8, 9, buffered=False)


def test_progress_buffered_input_or_no_gap_is_no_stall() -> None:
    watch = TailWatch(strikes=2)
    assert not watch.stalled("raw", 0, 3, 4, buffered=False)
    assert not watch.stalled("raw", 0, 4, 5, buffered=False)  # the agent moved on
    assert not watch.stalled("raw", 0, 5, 6, buffered=True)   # input waits in the buffer
    assert not watch.stalled("raw", 0, 5, 6, buffered=False)  # the buffer reset the count
    assert not watch.stalled("raw", 0, 7, 7, buffered=False)  # nothing fetched beyond
    assert not watch.stalled("raw", 0, 7, 7, buffered=False)
    assert not watch.stalled("raw", 0, None, 9, buffered=False)
    assert not watch.stalled("raw", 0, 7, None, buffered=False)


def test_partitions_are_counted_apart() -> None:
    watch = TailWatch(strikes=2)
    assert not watch.stalled("raw", 0, 3, 4, buffered=False)
    assert not watch.stalled("raw", 1, 3, 4, buffered=False)
    assert watch.stalled("raw", 1, 3, 4, buffered=False)
    assert watch.stalled("raw", 0, 3, 4, buffered=False)


def test_check_seeks_the_stalled_partition_back_to_the_expected_offset() -> None:
    stalled, fine, other = TP("raw", 0), TP("raw", 1), TP("elsewhere", 0)
    consumer = FakeConsumer({stalled: 4, fine: 9, other: 100})
    expected = {0: 3, 1: 9}
    watch = TailWatch(strikes=2)
    watch.follow("raw", Follower(expected.get, lambda: False))
    app = FakeApp(consumer)
    assert _run(watch, app) == 0
    assert _run(watch, app) == 1
    assert consumer.seeks == [(stalled, 3)]
    assert watch.rewinds == 1
    # Delivered now: the agent expects 4, the position is 4.
    expected[0] = 4
    assert _run(watch, app) == 0
    assert _run(watch, app) == 0
    assert consumer.seeks == [(stalled, 3)]


def test_no_rewind_while_rebalancing_or_with_the_flow_stopped() -> None:
    tp = TP("raw", 0)
    for app in (FakeApp(FakeConsumer({tp: 4}), rebalancing=True),
                FakeApp(FakeConsumer({tp: 4}, flow_active=False))):
        watch = TailWatch(strikes=1)
        watch.follow("raw", Follower(lambda _p: 3, lambda: False))
        assert _run(watch, app) == 0
        assert app.consumer.seeks == []


def test_a_busy_buffer_holds_the_rewind() -> None:
    tp = TP("raw", 0)
    consumer = FakeConsumer({tp: 10})
    watch = TailWatch(strikes=1)
    watch.follow("raw", Follower(lambda _p: 3, lambda: True))
    assert _run(watch, FakeApp(consumer)) == 0
    assert consumer.seeks == []


def test_stream_buffered_reads_the_channel_queue() -> None:
    class Channel:
        def __init__(self, queue: Any) -> None:
            self.queue = queue

    class Stream:
        def __init__(self, channel: Any) -> None:
            self.channel = channel

    queue: asyncio.Queue[int] = asyncio.Queue()
    buffered = stream_buffered(Stream(Channel(queue)))
    assert not buffered()
    queue.put_nowait(1)
    assert buffered()
    assert not stream_buffered(Stream(object()))()
