"""The Faust application: thin wiring from articles.raw to the output topics.

The agent decodes nothing itself: :func:`streams.pipeline.route` does the
work and returns the records to publish. Concurrency stays at 1 (faust-streaming
issue 606 loses messages with more) and processing is at-least-once; outputs
are idempotent because alert ids are derived from the article and evidence.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

import faust
from faust.transport.drivers.aiokafka import Producer as AIOKafkaDriverProducer
from faust.types import TP, EventT
from faust.web import Request, Response, View

from streams import __version__, clients, codec, health, poison, reconnect, topology
from streams.config import MAX_MESSAGE_BYTES, Settings
from streams.core.analyze import Analyzer
from streams.metrics import Metrics
from streams.pipeline import (
    Origin,
    Outgoing,
    Routed,
    build_analyzer,
    dead_letter,
    dead_letter_record,
    route,
)
from streams.tails import Follower, TailWatch, stream_buffered

__all__ = ["EXIT_DELIVERY_FAILED", "create_app", "fit_for_publish", "publish"]

log = logging.getLogger(__name__)

HEALTH_INTERVAL = 3.0
"""Seconds between readiness checks (broker probe, partitions, lag) behind ``/health``;
the broker probe gives up after :data:`HEALTH_PROBE_TIMEOUT`, so checks never overlap."""
TAIL_CHECK_INTERVAL = 2.0
"""Seconds between checks for undelivered newest input (streams/tails.py): a stalled
partition is rewound after two checks, within about 4 to 6 s."""

HEALTH_PROBE_TIMEOUT = 2.5

EXIT_DELIVERY_FAILED = 75
"""Exit status when the broker refused or lost an output record (EX_TEMPFAIL):
the worker stops before the input offset can be committed, so a restart
reprocesses the message instead of skipping it."""


METADATA_MAX_AGE_MS = 10_000
"""How often the worker's consumer refreshes topic metadata, in milliseconds."""


def _credentials(settings: Settings) -> Any:
    sec = settings.security
    if sec.protocol == "PLAINTEXT":
        return None
    context = None
    if "SSL" in sec.protocol:
        context = ssl.create_default_context(cafile=sec.ssl_cafile)
        if sec.ssl_certfile:
            context.load_cert_chain(sec.ssl_certfile, sec.ssl_keyfile)
    if sec.protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=sec.sasl_username, password=sec.sasl_password,
            mechanism=sec.sasl_mechanism, ssl_context=context)
    return faust.SSLCredentials(context)


def _truncated_deadletter(record: dict[str, Any], limit: int) -> bytes:
    # Keep the head of the original so the dead letter still says what came
    # in; original_size keeps the real size, so readers can tell it is cut.
    data = codec.dumps(record)
    excess = len(data) - limit + 256
    if excess > 0:
        keep = max(0, len(record["original_b64"]) - excess) // 4 * 4
        record = {**record, "original_b64": record["original_b64"][:keep],
                  "error": f"{record['error']} (original truncated to "
                           f"{keep // 4 * 3} of {record.get('original_size', 0)} bytes "
                           f"to fit the {limit}-byte publish limit)"}
        data = codec.dumps(record)
    return data


def fit_for_publish(routed: Routed, value: bytes | None, key: bytes | None, origin: Origin,
                    limit: int = MAX_MESSAGE_BYTES) -> Routed:
    """Make sure every record of ``routed`` is small enough to publish.

    A record over ``limit`` would be refused by the producer or the broker,
    which in Faust acks the input anyway and loses it. Instead an oversized
    dead letter keeps only the head of the original bytes, and an oversized
    analysis or alert becomes a ``processing_error`` dead letter.

    Args:
        routed: What :func:`route` returned for the message.
        value: The input message value.
        key: The input message key.
        origin: Where the input came from.
        limit: Largest record value in bytes (:data:`streams.config.MAX_MESSAGE_BYTES`:
            analyses and alerts are degraded to fit in :func:`route`; a record still
            bigger would be refused, so it is replaced before sending).

    Returns:
        ``routed`` itself when everything fits, else a replacement.
    """
    if all(len(r.value) <= limit for r in routed.records):
        return routed
    if routed.error is not None:
        records = tuple(
            r if len(r.value) <= limit
            else Outgoing(r.destination, r.key, _truncated_deadletter(codec.loads(r.value), limit))
            for r in routed.records)
        return Routed(records, article_id=routed.article_id, error=routed.error)
    biggest = max(len(r.value) for r in routed.records)
    log.warning("analysis of %s:%d@%d is %d bytes, over the publish limit %d",
                origin.topic, origin.partition, origin.offset, biggest, limit)
    record = dead_letter_record(value, key, origin, "processing_error",
                                f"analysis is {biggest} bytes, over the publish limit of {limit}")
    return Routed((Outgoing("deadletter", key, _truncated_deadletter(record, limit)),),
                  article_id=routed.article_id, error="processing_error")


def carried_headers(headers: Any) -> list[tuple[str, bytes]] | None:
    """The input message's Kafka headers (e.g. ``trace-id``), to put on every output.

    Faust hands them over as a list of pairs or a mapping; None when there are none.
    """
    if not headers:
        return None
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(k), v if isinstance(v, bytes) else str(v).encode()) for k, v in pairs]


async def publish(outputs: Mapping[str, Any], records: tuple[Outgoing, ...],
                  on_delivered: Callable[[], object],
                  headers: list[tuple[str, bytes]] | None = None) -> None:
    """Send ``records`` and call ``on_delivered`` once the broker has them all.

    Faust's ``topic.send`` only appends to the producer's buffer, and its
    stream acks an event as soon as the agent body moves on, even when the
    body raised. The agent therefore turns Faust's acks off and acks each
    event from ``on_delivered``: an offset becomes committable only after
    the event's outputs are stored, while the next events are already being
    analysed (waiting for each event in turn costs three quarters of the
    throughput). When the producer or the broker refuses an output the
    process exits at once, before anything later can be committed, so a
    restart processes the message again.

    Args:
        outputs: Faust topics by destination name.
        records: What to send, in order.
        on_delivered: Called once, from the event loop, when every record of
            the event is acknowledged (at once when there is nothing to wait for).
        headers: Kafka headers carried from the input to every output.
    """
    try:
        pending = [await outputs[r.destination].send(key=r.key, value=r.value, headers=headers)
                   for r in records]
    except asyncio.CancelledError:
        raise
    except Exception:
        # Not a bad message (those are dead letters by now) but an output the
        # producer refused: the only way not to lose the input is to stop
        # before its offset, or any later one, is committed.
        log.critical("publishing failed; exiting without committing the input offset",
                     exc_info=True)
        _exit_now(EXIT_DELIVERY_FAILED)
        return
    futures = [p for p in pending if isinstance(p, asyncio.Future)]
    remaining = len(futures)

    def delivered(fut: asyncio.Future[Any]) -> None:
        nonlocal remaining
        if fut.cancelled():
            # Only at shutdown: left unacked, the message is processed again.
            return
        error = fut.exception()
        if error is not None:
            log.critical("delivery failed; exiting without committing the input offset",
                         exc_info=error)
            _exit_now(EXIT_DELIVERY_FAILED)
            return
        remaining -= 1
        if remaining == 0:
            on_delivered()

    if not futures:
        on_delivered()
    for fut in futures:
        fut.add_done_callback(delivered)


def _delivered(event: Any, routed: Routed, metrics: Metrics, started: float,
               journal: poison.AttemptJournal | None = None,
               origin: Origin | None = None) -> None:
    if event is not None:
        event.ack()
        message = event.message
        origin = Origin(message.topic, message.partition, message.offset)
    if journal is not None and origin is not None:
        journal.done(origin.topic, origin.partition, origin.offset)
    metrics.observe(level=routed.level, error=routed.error,
                    seconds=time.perf_counter() - started)


def _exit_now(code: int) -> None:
    # os._exit skips Faust's shutdown, which would commit the acked offsets.
    logging.shutdown()
    os._exit(code)


def _guarded_route(value: bytes | None, key: bytes | None, origin: Origin, core: Analyzer,
                   settings: Settings, journal: poison.AttemptJournal) -> Routed:
    """:func:`route` under the per-article time budget, after the poison check.

    A message the worker already started :attr:`Settings.max_attempts` times
    without finishing (each start ended in a crash) is dead-lettered as ``poison``
    without another try; one that runs past the budget as ``budget_exceeded``.
    """
    before = journal.begin(origin.topic, origin.partition, origin.offset)
    if journal.is_poison(before):
        log.error("giving up %s:%d@%d: the worker stopped %d times while analysing it",
                  origin.topic, origin.partition, origin.offset, before)
        record = dead_letter(value, key, origin, "poison",
                             f"the worker stopped {before} times while analysing this message "
                             "(out of memory or a crash); not tried again")
        return Routed((record,), error="poison")
    try:
        with poison.time_budget(settings.article_time_budget):
            return route(value, key, origin, core, max_bytes=settings.max_message_bytes,
                         run_id=settings.run_id, stories=settings.stories)
    except poison.BudgetExceeded as exc:
        log.error("dead letter %s:%d@%d: %s", origin.topic, origin.partition, origin.offset, exc)
        record = dead_letter(value, key, origin, "budget_exceeded",
                             f"{exc} (ESCWATCH_ARTICLE_TIME_BUDGET)")
        return Routed((record,), error="budget_exceeded")


@dataclass(frozen=True, slots=True)
class _Ready:
    """One analysed input message of a batch, waiting to be published (``event`` is
    None for a message read directly because Faust skipped it, see :class:`_InputGaps`)."""

    event: EventT[bytes] | None
    routed: Routed
    headers: list[tuple[str, bytes]] | None
    started: float
    origin: Origin | None = None


class _InputGaps:
    """Finds input messages Faust skipped and reads them directly.

    After a restart with several agents and a table, faust-streaming sometimes hands
    the agent a partition's messages from one past the group's committed offset: the
    message at the committed offset is never delivered, and Faust's commit then moves
    past it as a gap. Per partition the agent knows the next offset it expects (at
    first sight, the committed one); a delivered offset beyond it is checked against
    the committed offset, and the messages in between are read with kafka-python and
    analysed before it, so nothing is lost (at-least-once: one another worker handled
    may be handled again, with the same outputs)."""

    def __init__(self, settings: Settings,
                 committed: Callable[[str, int], int | None]) -> None:
        """``committed`` gives the offset the consumer was positioned at for a
        partition (the group's committed one), None when unknown."""
        self.settings = settings
        self.committed = committed
        self.expected: dict[tuple[str, int], int] = {}
        self.filled = 0

    def missing(self, topic: str, partition: int, offset: int) -> list[Any]:
        """The skipped messages before ``offset`` (usually none), in order."""
        key = (topic, partition)
        expected = self.expected.get(key)
        self.expected[key] = max(offset + 1, expected or 0)
        if expected is not None and offset <= expected:
            return []
        committed = self.committed(topic, partition)
        if committed is None:
            return []
        start = committed if expected is None else max(committed, expected)
        if start >= offset:
            return []
        log.warning("input %s[%d] offsets %d..%d were not delivered; reading them",
                    topic, partition, start, offset - 1)
        records = clients.read_range(self.settings, topic, start, offset, partition)
        self.filled += len(records)
        return records


def _analyse_batch(batch: Sequence[EventT[bytes]], core: Analyzer, settings: Settings,
                   journal: poison.AttemptJournal,
                   gaps: _InputGaps | None = None) -> list[_Ready]:
    """Route every message of ``batch`` (poison check, time budget, publish limit).

    Each message is noted in the attempt journal just before its own analysis,
    so a crash is charged to the message that was being analysed, as without batches.
    With ``gaps``, messages Faust skipped before one of the batch are routed first.
    """
    ready: list[_Ready] = []
    for event in batch:
        message = event.message
        if gaps is not None:
            for skipped in gaps.missing(message.topic, message.partition, message.offset):
                at = Origin(skipped.topic, skipped.partition, skipped.offset)
                begun = time.perf_counter()
                routed = _guarded_route(skipped.value, skipped.key, at, core, settings,
                                        journal)
                routed = fit_for_publish(routed, skipped.value, skipped.key, at)
                ready.append(_Ready(None, routed, carried_headers(skipped.headers), begun,
                                    at))
        started = time.perf_counter()
        origin = Origin(message.topic, message.partition, message.offset)
        routed = _guarded_route(message.value, message.key, origin, core, settings, journal)
        routed = fit_for_publish(routed, message.value, message.key, origin)
        ready.append(_Ready(event, routed, carried_headers(message.headers), started))
    return ready


async def _publish_batch(outputs: Mapping[str, Any], ready: Sequence[_Ready], metrics: Metrics,
                         journal: poison.AttemptJournal) -> None:
    """Hand every output of the batch to the producer, then return.

    Each input message is acked (and its journal note cleared) from its own
    delivery callback, once the broker holds every output of that message:
    never before, and never on behalf of another message of the batch.
    """
    for item in ready:
        await publish(outputs, item.routed.records,
                      partial(_delivered, item.event, item.routed, metrics, item.started,
                              journal, item.origin),
                      item.headers)


_BLOCKED_FLUSH = 0.05
"""Seconds a batch is held while the stream's buffer said more input was waiting but
none came (the buffered messages were skipped, e.g. during a rebalance)."""


async def _batched(stream: faust.StreamT[bytes], size: int, wait: float,
                   handle: Callable[[list[EventT[bytes]]], list[_Ready]],
                   send: Callable[[list[_Ready]], Awaitable[None]]) -> None:
    """Iterate ``stream``'s events in batches of at most ``size``.

    A batch is closed when it is full, when nothing more is buffered in the
    stream (``wait`` <= 0), or ``wait`` seconds after its first message. Faust's
    ``take()`` is not used because it acks the events itself as soon as the batch
    is consumed, before the outputs are stored. The next event is read in a task
    that is never cancelled while the worker runs (cancelling the stream's
    iterator would close it), so a batch can be closed while that read waits.
    """
    loop = asyncio.get_running_loop()
    events = stream.events().__aiter__()
    buffered = stream_buffered(stream)

    batch: list[EventT[bytes]] = []
    deadline = 0.0
    reading: asyncio.Future[EventT[bytes]] | None = None

    async def flush() -> None:
        nonlocal batch
        taken, batch = batch, []
        await send(handle(taken))

    try:
        while True:
            try:
                if not batch and reading is None:
                    # Read in this task, as an unbatched agent would (the in-memory
                    # agent tests wake up on the read, not on the outputs).
                    event = await events.__anext__()
                elif not batch:
                    assert reading is not None
                    event, reading = await reading, None
                else:
                    if reading is None:
                        reading = asyncio.ensure_future(events.__anext__())
                    hold = max(deadline - loop.time(), _BLOCKED_FLUSH) if wait > 0 \
                        else _BLOCKED_FLUSH
                    done, _ = await asyncio.wait({reading}, timeout=hold)
                    if not done:
                        await flush()
                        continue
                    event, reading = reading.result(), None
            except StopAsyncIteration:
                break
            if not batch:
                deadline = loop.time() + wait
            batch.append(event)
            full = len(batch) >= size
            if full or (not buffered() and (wait <= 0 or loop.time() >= deadline)):
                await flush()
        if batch:
            await flush()
    finally:
        if reading is not None and not reading.done():
            reading.cancel()


def faust_broker_url(bootstrap: str) -> str:
    """Turn ``host:port,host:port`` into Faust's ``kafka://`` URL list."""
    return ";".join(f"kafka://{server.strip()}" for server in bootstrap.split(",") if server)


def _aiokafka_idempotence() -> bool:
    """Whether the installed aiokafka producer takes ``enable_idempotence`` (0.5 on)."""
    import inspect

    import aiokafka  # type: ignore[import-untyped]

    return "enable_idempotence" in inspect.signature(aiokafka.AIOKafkaProducer).parameters


class IdempotentProducer(AIOKafkaDriverProducer):
    """Faust's aiokafka producer with ``acks=all`` and idempotence turned on.

    Faust enables idempotence only for exactly-once transactions; at-least-once
    it leaves it off, so a retried batch could be written twice. With it the
    broker drops the duplicate of a retry (alert ids make redeliveries harmless
    downstream too).
    """

    def _settings_extra(self) -> Mapping[str, Any]:
        extra = {**super()._settings_extra(), "acks": "all"}
        if _aiokafka_idempotence():
            extra["enable_idempotence"] = True
        return extra


class WorkerApp(faust.App):
    """A Faust app that creates the worker's topics before it subscribes to them,
    publishing through an :class:`IdempotentProducer`."""

    escwatch_settings: Settings
    escwatch_port_lock: IO[bytes] | None

    def _new_producer(self) -> Any:
        return IdempotentProducer(self.transport, loop=self.loop, beacon=self.beacon)

    async def on_first_start(self) -> None:
        """Create missing topics (waiting for the broker) before the consumer starts."""
        await super().on_first_start()
        stop = threading.Event()
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, partial(topology.ensure_worker_topics, self.escwatch_settings, stop))
        finally:
            stop.set()


def create_app(settings: Settings, analyzer: Analyzer | None = None, *,
               declare_topics: bool = True) -> faust.App:
    """Build the Faust app with its topics, agent and web views.

    Args:
        settings: Everything configurable.
        analyzer: A compiled core to reuse (default: built from ``settings``).
        declare_topics: Create the worker's topics at start (off for the
            in-memory agent tests, which have no broker).
    """
    core: Analyzer = analyzer or build_analyzer(settings)
    metrics = Metrics()
    # aiokafka has no reconnect back-off of its own (see streams/reconnect.py).
    reconnect.install(settings.reconnect_backoff_ms, settings.reconnect_backoff_max_ms)
    readiness = health.Readiness(settings.bootstrap_servers,
                                 stale_after=settings.health_stale_seconds,
                                 summary_every=settings.log_repeat_interval)
    app_class = WorkerApp if declare_topics else faust.App
    web_port, port_lock = (topology.pick_web_port(settings.web_host, settings.web_port,
                                                  settings.web_port_range)
                           if declare_topics else (settings.web_port, None))
    if web_port != settings.web_port:
        log.warning("web port %d is taken; health and metrics are on %s:%d",
                    settings.web_port, settings.web_host, web_port)
    app = app_class(
        settings.app_id,
        broker=faust_broker_url(settings.bootstrap_servers),
        broker_credentials=_credentials(settings),
        value_serializer="raw",
        key_serializer="raw",
        processing_guarantee="at_least_once",
        topic_partitions=settings.partitions,
        topic_replication_factor=1,
        datadir=str(settings.data_dir),
        web_bind=settings.web_host,
        web_port=web_port,
        web_host=settings.web_host,
        producer_linger_ms=1,
        # Every output waits for all in-sync replicas; see publish().
        producer_acks=-1,
        producer_max_request_size=MAX_MESSAGE_BYTES + 48_576,
        broker_commit_every=1000,
        broker_commit_interval=1.0,
        stream_buffer_maxsize=4096,
        consumer_auto_offset_reset="earliest",
        # Partitions added to a topic later are picked up within this time
        # (the client default is five minutes).
        consumer_metadata_max_age_ms=METADATA_MAX_AGE_MS,
        # A crashed worker's partitions move to its replacement only after the
        # session times out: 6 s (the broker's minimum; Faust's default is 60)
        # bounds the pause of a killed worker's partitions.
        broker_session_timeout=6.0,
        broker_heartbeat_interval=2.0,
        # One partition per topic and one worker by default: a second
        # worker only adds capacity after ESCWATCH_PARTITIONS is raised.
        table_standby_replicas=0,
    )
    raw = app.topic(settings.topic_raw, value_serializer="raw", key_serializer="raw")
    outputs = {
        "analyzed": app.topic(settings.topic_analyzed, value_serializer="raw",
                              key_serializer="raw"),
        "alerts": app.topic(settings.topic_alerts, value_serializer="raw", key_serializer="raw"),
        "deadletter": app.topic(settings.topic_deadletter, value_serializer="raw",
                                key_serializer="raw"),
    }

    # Faust drops records it fetched while a partition was inactive; the newest ones
    # would wait for later input that may never come (see streams/tails.py).
    tails = TailWatch()

    async def check_tails() -> None:
        await tails.check(app)

    app.timer(interval=TAIL_CHECK_INTERVAL)(check_tails)

    # Stories and trends (streams/stories/agents.py), opt-in: ESCWATCH_STORIES=1. The
    # agent below hands each analysed article's story record to the story step.
    from streams.stories import agents as story_agents
    if settings.stories:
        stories = story_agents.register(app, settings, publish=publish, tails=tails)
        app.escwatch_stories = stories  # type: ignore[attr-defined]
        outputs["stories"] = stories["topics"]["input"]

    @app.agent(raw, concurrency=1)
    async def analyze_articles(stream: faust.StreamT[bytes]) -> None:
        stream.enable_acks = False  # acked in publish() once the outputs are stored
        journal = poison.AttemptJournal(settings.data_dir / "attempts", settings.max_attempts)
        def positioned_at(topic: str, partition: int) -> int | None:
            # The committed offsets the consumer sought to at assignment (no I/O).
            offsets = getattr(app.consumer, "_committed_offset", None)
            found = offsets.get(TP(topic, partition)) if offsets is not None else None
            return int(found) if isinstance(found, int) else None

        gaps = _InputGaps(settings, positioned_at)

        def expected(partition: int) -> int | None:
            # The next offset the agent needs, once it had a message of the partition
            # in this run (before that, Faust may still be seeking it itself); never
            # behind the committed offset.
            seen = gaps.expected.get((settings.topic_raw, partition))
            if seen is None:
                return None
            committed = positioned_at(settings.topic_raw, partition)
            return seen if committed is None else max(seen, committed)

        tails.follow(settings.topic_raw, Follower(expected, stream_buffered(stream)))

        def handle(batch: list[EventT[bytes]]) -> list[_Ready]:
            return _analyse_batch(batch, core, settings, journal, gaps)

        async def send(ready: list[_Ready]) -> None:
            await _publish_batch(outputs, ready, metrics, journal)

        await _batched(stream, settings.batch_size, settings.batch_wait, handle, send)

    async def check_readiness() -> None:
        await health.check(app, readiness, metrics, timeout=HEALTH_PROBE_TIMEOUT)

    app.timer(interval=HEALTH_INTERVAL)(check_readiness)

    @app.page("/health")
    class Health(View):
        async def get(self, request: Request) -> Response:
            body = readiness.body(metrics, {
                "version": __version__, "app_id": settings.app_id,
                "knowledge_version": core.knowledge.version, "input": settings.topic_raw})
            return self.json(body, status=200 if body["ready"] else 503)

    @app.page("/metrics")
    class PrometheusMetrics(View):
        async def get(self, request: Request) -> Response:
            # As a header: aiohttp refuses a charset inside content_type=.
            return self.bytes(metrics.render(),
                              headers={"Content-Type": "text/plain; version=0.0.4; "
                                                       "charset=utf-8"})

    if isinstance(app, WorkerApp):
        app.escwatch_settings = settings
        app.escwatch_port_lock = port_lock  # held for the worker's lifetime
    # Exposed for the in-memory agent tests and the health views.
    app.escwatch_metrics = metrics  # type: ignore[attr-defined]
    app.escwatch_outputs = outputs  # type: ignore[attr-defined]
    app.escwatch_readiness = readiness  # type: ignore[attr-defined]
    return app
