"""Faust wiring of the stories (opt-in: ``ESCWATCH_STORIES=1``).

::

    articles.raw ──► analyze_articles (the worker's agent: analyses each article once)
                        │ <app id>-stories.input   1 partition, key = article id
                        ▼                          (streams.stories.record.compact_record)
                     stories-group (StoryEngine: grouping index, stories, trends)
                        ├─► monitoring.alerts   story_alert.v1, key = story id
                        ├─► monitoring.trends   trend.v1, key = trend key
                        └─► <app id>-stories.assigned   key = story id (repartition)
                                 ▼
                     stories-table: table ``story-articles`` keyed by story id
                     (changelog topic ``<app id>-story-articles-changelog``)

The grouping index is global (a repost may arrive on any input partition), so
``stories.input`` has one partition and one ``stories-group`` agent owns it; the
analysing agent before it scales with the input and publishes the story record with
the article's other outputs, acking the input only once all of them are stored. The
group agent does the same: its event is acked from the delivery callback of its last
output, while the next records are already being grouped (at-least-once, concurrency
1); every event is acked, since one left unacked holds back the worker's commits. The
engine's state lives in memory; on start the group agent rebuilds it by replaying its
input topic up to the group's committed offset (the step is deterministic), so a
restart continues the same stories.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import faust

from streams import clients, codec, topics
from streams.config import Settings
from streams.pipeline import Outgoing
from streams.stories.engine import StoryEngine, StoryInput
from streams.stories.record import compact_record
from streams.stories.similarity import Features
from streams.tails import Follower, TailWatch, stream_buffered

__all__ = ["ASSIGNED_TOPIC", "INPUT_TOPIC", "OffsetGate", "compact_record", "enabled",
           "register", "replay_committed"]

log = logging.getLogger(__name__)

INPUT_TOPIC = topics.STORY_INPUT
ASSIGNED_TOPIC = topics.STORY_ASSIGNED


def enabled(env: dict[str, str] | None = None) -> bool:
    """Whether ``ESCWATCH_STORIES`` turns the story agents on."""
    return Settings.from_env(env if env is not None else os.environ).stories


def replay_committed(settings: Settings, topic: str, engine: StoryEngine) -> tuple[int, int]:
    """Rebuild ``engine`` from ``topic`` up to the worker group's committed offset.

    The story step is deterministic, so feeding it the records it had already
    processed (their outputs are on the broker) gives back the state it had; the
    records from the committed offset on are redelivered and give the same outputs,
    with the same ids. Returns the number of records replayed and the next offset the
    engine expects."""
    committed = clients.committed_offset(settings, topic)
    for msg in clients.read_range(settings, topic, 0, committed):
        _process(engine, codec.loads(msg.value))
    return committed, committed


class OffsetGate:
    """Applies the story step's input to the engine in offset order, each offset once.

    Faust may hand the agent records that the engine already has (a stale fetch from
    before the seek to the committed offset, after a restart) and may skip ahead of the
    engine (the committed offset moved past what was replayed). The gate tells, per
    delivered offset, whether to skip it, to first read the missing offsets directly,
    or to process it.
    """

    def __init__(self, next_offset: int | None = None) -> None:
        """``next_offset``: the first offset the engine lacks (None: take the first
        delivered one as the start)."""
        self.next_offset = next_offset
        self.skipped = 0
        self.filled = 0
        self.admitted = 0

    def admit(self, offset: int) -> tuple[int, int] | None:
        """None to skip ``offset``; else the range ``[start, offset)`` to read and
        process before it (empty when there is no gap)."""
        if self.next_offset is None:
            self.next_offset = offset
        if offset < self.next_offset:
            self.skipped += 1
            return None
        gap = (self.next_offset, offset)
        self.admitted += 1
        self.filled += offset - self.next_offset
        self.next_offset = offset + 1
        return gap


def _table_update(old: bytes | None, rec: dict[str, Any]) -> bytes | None:
    """The ``story-articles`` value after one assignment; None for a redelivery."""
    state = codec.loads(old) if old else {"story_id": rec["story_id"], "articles": 0,
                                          "article_ids": [], "sources": []}
    if rec["article_id"] in state["article_ids"]:
        return None
    state["articles"] += 1
    if len(state["article_ids"]) < 100:
        state["article_ids"].append(rec["article_id"])
    if rec["source"] and rec["source"] not in state["sources"] and len(state["sources"]) < 100:
        state["sources"].append(rec["source"])
    state["last_seen"] = rec["published_at"]
    return codec.dumps(state)


def _process(engine: StoryEngine, rec: dict[str, Any]) -> Any:
    return engine.process(
        StoryInput(rec["article_id"], "", rec["analysis"], title=rec["title"] or "",
                   url=rec["url"] or "", source=rec["source"] or "",
                   published_at=rec["published_at"]),
        Features.from_dict(rec["features"]))


def _nothing() -> None:
    """The delivery callback of a record read past Faust (it has no event to ack)."""


Publish = Callable[[Mapping[str, Any], tuple[Outgoing, ...], Callable[[], object]],
                   Awaitable[None]]
"""How the group agent hands its outputs to the producer: :func:`streams.app.publish`
(sends, then calls the callback once the broker holds them all; exits the worker when
a send is refused)."""


def register(app: faust.App, settings: Settings, *, publish: Publish,
             tails: TailWatch | None = None, replay: bool = True) -> dict[str, Any]:
    """Declare the story topics, table and agents on ``app``; returns them by name.

    ``publish`` sends the group agent's outputs (the app's own, passed in so that this
    module does not import the app). ``tails`` is told which offset the group agent
    expects next, to rewind its input when Faust drops the newest record. With
    ``replay`` the group agent first rebuilds its state from its input topic (see
    :func:`replay_committed`)."""
    # Internal topics are named after the app id, like Faust's own changelogs.
    story_input = app.topic(f"{settings.app_id}-{INPUT_TOPIC}", partitions=1, internal=True,
                            value_serializer="raw", key_serializer="raw")
    assigned = app.topic(f"{settings.app_id}-{ASSIGNED_TOPIC}", partitions=settings.partitions,
                         internal=True, value_serializer="raw", key_serializer="raw")
    alerts = app.topic(settings.topic_alerts, value_serializer="raw", key_serializer="raw")
    trends = app.topic(settings.topic_trends, partitions=settings.partitions, internal=True,
                       value_serializer="raw", key_serializer="raw")
    table = app.Table("story-articles", default=None, partitions=settings.partitions,
                      key_type=bytes, value_type=bytes)
    engine = StoryEngine()

    outs = {"alerts": alerts, "trends": trends, "assigned": assigned}

    async def step(value: bytes, on_delivered: Callable[[], object]) -> None:
        # Pipelined like the analysing agent: the outputs go to the producer and the
        # input event is acked from the delivery callback once the broker holds all
        # of them, while the next records are already being grouped (waiting for
        # each send in turn bounded the step by the broker's round trips).
        rec = codec.loads(value)
        out = _process(engine, rec)
        records = [Outgoing("alerts", a["story_id"].encode(), codec.dumps(a))
                   for a in out.story_alerts]
        records += [Outgoing("trends", t["key"].encode(), codec.dumps(t)) for t in out.trends]
        records.append(Outgoing("assigned", out.story_id.encode(), codec.dumps(
            {"article_id": rec["article_id"], "story_id": out.story_id,
             "match": out.match.reason, "matched": out.match.matched,
             "published_at": rec["published_at"], "source": rec["source"]})))
        await publish(outs, tuple(records), on_delivered)

    @app.agent(story_input, concurrency=1, name="stories-group")
    async def stories_group(stream: faust.StreamT[bytes]) -> None:
        loop = asyncio.get_running_loop()
        name = story_input.get_topic_name()
        gate = OffsetGate()
        if replay:
            n, gate.next_offset = await loop.run_in_executor(
                None, replay_committed, settings, name, engine)
            log.info("story state rebuilt from %d records of %s", n, name)
        stream.enable_acks = False  # acked once the step's outputs are stored
        if tails is not None:
            # Only once a record was delivered in this run: before that, Faust may
            # still be recovering and seeking the partition itself.
            tails.follow(name, Follower(
                lambda _partition: gate.next_offset if gate.admitted else None,
                stream_buffered(stream)))
        async for event in stream.events():
            gap = gate.admit(event.message.offset)
            if gap is None:
                event.ack()
                continue  # the engine has it already
            if gap[0] < gap[1]:
                log.warning("records %d..%d of %s were not delivered; reading them",
                            gap[0], gap[1] - 1, name)
                for msg in await loop.run_in_executor(None, clients.read_range, settings,
                                                      name, *gap):
                    await step(msg.value, _nothing)
            await step(event.value, event.ack)

    @app.agent(assigned, concurrency=1, name="stories-table")
    async def stories_table(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            rec = codec.loads(event.value)
            key = rec["story_id"].encode()
            state = _table_update(table.get(key), rec)
            if state is not None:
                table[key] = state

    return {"engine": engine, "table": table, "agents": (stories_group, stories_table),
            "topics": {"input": story_input, "assigned": assigned, "trends": trends}}
