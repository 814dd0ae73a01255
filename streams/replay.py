"""Replays: the same input, the same alerts, in an isolated run.

Three ways to replay, all through :func:`streams.pipeline.route` (the worker's
own function), so a replay exercises the production path:

* **Files to files** (``--out DIR``, no Kafka at all): JSONL archives, ``.txt``
  articles or folders of them are routed in order and written to
  ``analyzed.jsonl``, ``alerts.jsonl``, ``deadletter.jsonl`` plus a
  ``run.json`` manifest (counts, knowledge version, input and output digests).
* **Files through Kafka**: the input lines are published to a run-private
  input topic ``<ESCWATCH_TOPIC_RAW>.<run_id>`` and a real ``escwatch worker``
  runs for the run.
* **A range of the articles topic through Kafka**: the range ``[start, end)``
  (offsets, or timestamps resolved per partition with
  ``KafkaConsumer.offsets_for_times``) is *copied* into the run-private input
  topic and the run's worker consumes that copy.

Why copy instead of resetting the run's consumer group on the live topic and
stopping the worker at the end bound: a Faust worker cannot be told to stop at
an offset, and stopping it "when the lag reaches the bound" races with the
records after the bound that it has already fetched. The copy holds exactly
the selected records, so nothing past the end bound can be processed, and the
run's consumer group (``<app id>-replay-<run id>``, new for every run) simply
starts at the beginning of the copy; no offset reset on a shared topic is
needed. The copy keeps key, value, headers, partition and timestamp.

* **In place** (``--topic --reset-offsets`` with a start bound only): no copy.
  The run's consumer group offsets are reset (committed) to the start, found
  by time or given as offsets, before its worker starts on the topic itself;
  the run ends when every record up to the end offsets seen at start has its
  output. It takes no end bound, for the race described above.

Isolation: a Kafka run uses :meth:`Settings.for_run`: its own Faust app id and
consumer group and outputs suffixed with the run id
(``monitoring.alerts.<run_id>``), never the production topics. The run is over
when every copied input has produced its one analysis or dead letter; then the
worker is stopped with SIGTERM (Faust flushes its producer on stop).

Run ids: ``--run-id`` or, by default, ``r`` plus 12 hex digits of a SHA-256
over the input digests (file contents, or topic and range), the knowledge
version and the alert threshold, so the same file replay always gets the same
id and byte-identical outputs. Kafka runs add four random hex digits
(``r<digest>-<rand>``) because topics and consumer groups outlive the run: a
second run of the same input must not reuse the first one's group offsets.

Event time: alert times are the article's ``published_at`` and alert bodies
carry no run id, so alerts are byte-identical across runs (see
:func:`comparable_alerts`). Dead-letter records carry the wall-clock time of
rejection by design and are excluded from that claim.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TextIO

from streams import __version__, codec
from streams.config import Settings
from streams.errors import ConfigError, EscwatchError
from streams.pipeline import Origin, Routed, route
from streams.processes import stop_process
from streams.sources import InputLine, iter_inputs

log = logging.getLogger(__name__)

__all__ = [
    "OUTPUT_FILES",
    "Progress",
    "ReplaySummary",
    "TopicRange",
    "comparable_alerts",
    "derive_run_id",
    "input_digests",
    "main",
    "parse_time",
    "read_topic",
    "replay_files_kafka",
    "replay_to_files",
    "replay_topic_in_place",
    "replay_topic_kafka",
    "reset_group_offsets",
    "resolve_range",
    "route_inputs",
    "run_worker",
]

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
OUTPUT_FILES: dict[str, str] = {
    "analyzed": "analyzed.jsonl",
    "alerts": "alerts.jsonl",
    "deadletter": "deadletter.jsonl",
}


class Progress:
    """A small progress bar with rate and ETA on stderr (no dependency).

    It draws only when enabled (a TTY, or ``--progress``) and at most ten
    times a second, so a fast replay is not slowed down by drawing. On a
    terminal the bar is redrawn in place (carriage return); anywhere else
    (a log file, a pipe) it writes plain lines without control characters:
    one per tenth of the total (every 10 s when the total is unknown) and
    one at the end.
    """

    def __init__(self, total: int | None, label: str, *, enabled: bool,
                 stream: TextIO | None = None) -> None:
        """Prepare a bar for ``total`` items (None when unknown)."""
        self.total = total
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.done = 0
        self._started = time.monotonic()
        self._drawn = 0.0
        self._step = -1
        self._open = False

    @staticmethod
    def wanted(flag: bool) -> bool:
        """Whether to draw: asked for, or stderr is a terminal."""
        return flag or sys.stderr.isatty()

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done and redraw if it is time."""
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        finished = self.done == self.total
        if self.tty:
            if now - self._drawn >= 0.1 or finished:
                self._drawn = now
                self.stream.write("\r" + self.render(now - self._started))
                self.stream.flush()
                self._open = True
            return
        step = (self.done * 10 // self.total if self.total
                else int((now - self._started) // 10))
        if step != self._step:
            self._step = step
            self.stream.write(self.render(now - self._started) + "\n")
            self.stream.flush()

    def render(self, elapsed: float) -> str:
        """The bar as text after ``elapsed`` seconds."""
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if not self.total:
            return f"{self.label} {self.done} {rate:.1f}/s"
        share = min(self.done / self.total, 1.0)
        filled = int(share * 24)
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        eta = f"{int(left) // 60}:{int(left) % 60:02d}"
        return (f"{self.label} [{'#' * filled}{'.' * (24 - filled)}] {self.done}/{self.total}"
                f" {share:4.0%} {rate:.1f}/s ETA {eta}")

    def close(self) -> None:
        """End the bar's line (on a terminal)."""
        if self.enabled and self.tty and self._open:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class ReplaySummary:
    """What a replay did.

    Attributes:
        run_id: The run's id.
        mode: "files", "topic-files", "kafka-files" or "kafka-topic".
        inputs: Input records read.
        analyzed: Inputs analysed (inputs minus dead letters, counted by offset on Kafka).
        alerts: Alerts per level.
        deadletters: Inputs rejected.
        seconds: Wall-clock duration of the processing.
        knowledge_version: Fingerprint of the knowledge used.
        topics: The run's output topics (Kafka runs), by destination.
    """

    run_id: str
    mode: str
    inputs: int = 0
    analyzed: int = 0
    alerts: Counter[str] = field(default_factory=Counter)
    deadletters: int = 0
    seconds: float = 0.0
    knowledge_version: str = ""
    topics: dict[str, str] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Input records per second."""
        return self.inputs / self.seconds if self.seconds > 0 else 0.0

    def counts(self) -> dict[str, Any]:
        """The counts as a JSON-ready dict (used by the manifest)."""
        return {"inputs": self.inputs, "analyzed": self.analyzed,
                "alerts": sum(self.alerts.values()),
                "alerts_by_level": {lvl: self.alerts.get(lvl, 0) for lvl in LEVELS},
                "deadletters": self.deadletters}

    def format(self) -> str:
        """One human-readable paragraph for the terminal."""
        levels = ", ".join(f"{lvl} {self.alerts.get(lvl, 0)}" for lvl in LEVELS)
        lines = [f"replay {self.run_id} ({self.mode}): {self.inputs} articles, "
                 f"{sum(self.alerts.values())} alerts ({levels}), {self.deadletters} dead letters,"
                 f" {self.rate:.1f} articles/s over {self.seconds:.2f} s",
                 f"  knowledge {self.knowledge_version}"]
        lines += [f"  {name}: {topic}" for name, topic in self.topics.items()]
        return "\n".join(lines)


# ---------------------------------------------------------------- inputs, ids


def _files(paths: Sequence[str]) -> list[Path]:
    # The same expansion as streams.sources.iter_inputs, so the digests cover
    # exactly the files that are read.
    from streams.sources import expand_paths

    return [p for p in expand_paths(paths) if p is not None]


def input_digests(paths: Sequence[str]) -> list[dict[str, Any]]:
    """SHA-256, size and line count of every file a replay of ``paths`` reads."""
    rows = []
    for path in _files(paths):
        data = path.read_bytes()
        rows.append({"path": str(path), "sha256": hashlib.sha256(data).hexdigest(),
                     "bytes": len(data), "lines": data.count(b"\n")})
    return rows


def derive_run_id(parts: Iterable[str], knowledge_version: str, threshold: float) -> str:
    """A run id that depends only on the inputs and the rules: ``r`` + 12 hex."""
    digest = hashlib.sha256()
    for part in (*parts, knowledge_version, repr(threshold)):
        digest.update(part.encode())
        digest.update(b"\x00")
    return "r" + digest.hexdigest()[:12]


def _kafka_run_id(base: str) -> str:
    return f"{base}-{uuid.uuid4().hex[:4]}"


def check_run_id(run_id: str) -> str:
    """Reject run ids that would make invalid topic or group names."""
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    if not run_id or len(run_id) > 64 or not set(run_id) <= allowed:
        raise ConfigError(f"--run-id {run_id!r}: use 1-64 letters, digits, '-' or '_'")
    return run_id


def _value(item: InputLine) -> tuple[bytes, bytes | None]:
    # JSONL lines travel as they were read, like `escwatch ingest --raw`, so a
    # bad line is dead-lettered with its original bytes; a .txt article has
    # no JSON form of its own and travels as its article event.
    key = str(item.event["id"]).encode() if item.event is not None else None
    if item.path.endswith(".txt") and item.event is not None:
        return codec.dumps(item.event), key
    return item.raw, key


def route_inputs(items: Iterable[InputLine], analyzer: Any, *, run_id: str | None,
                 max_bytes: int = codec.DEFAULT_MAX_BYTES) -> Iterator[Routed]:
    """Route every input record through the worker's path, in order.

    Args:
        items: Records from :func:`streams.sources.iter_inputs`.
        analyzer: The compiled core.
        run_id: Stamped on outputs like the run's worker does, or None.
        max_bytes: Largest accepted message.
    """
    for item in items:
        value, key = _value(item)
        yield route(value, key, Origin(item.path, 0, item.line), analyzer,
                    max_bytes=max_bytes, run_id=run_id)


def comparable_alerts(values: Iterable[bytes]) -> list[bytes]:
    """Alert values without ``run_id``, re-encoded and sorted by alert id.

    Two runs over the same input give equal lists: the bytes compared are
    the codec's canonical encoding, deduplicated by alert id (a Kafka run is
    at-least-once and may deliver an alert twice).
    """
    by_id: dict[str, bytes] = {}
    for value in values:
        alert = codec.loads(value)
        alert.pop("run_id", None)
        by_id[alert["id"]] = codec.dumps(alert)
    return [by_id[k] for k in sorted(by_id)]


# ------------------------------------------------------------ files to files


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def replay_to_files(paths: Sequence[str], out_dir: Path, settings: Settings, *,
                    run_id: str | None = None, analyzer: Any = None,
                    progress: bool = False) -> ReplaySummary:
    """Replay files into ``out_dir`` with no Kafka; write the manifest last.

    Returns:
        The summary; ``out_dir/run.json`` holds the same counts.
    """
    from streams.app import build_analyzer

    analyzer = analyzer or build_analyzer(settings)
    digests = input_digests(paths)
    version = analyzer.knowledge.version
    run_id = check_run_id(run_id or derive_run_id(
        [d["sha256"] for d in digests], version, settings.alert_threshold))
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = ReplaySummary(run_id, "files", knowledge_version=version)
    bar = Progress(sum(d["lines"] for d in digests) or None, f"replay {run_id}",
                   enabled=progress)
    started = time.perf_counter()
    handles: dict[str, IO[bytes]] = {}
    try:
        for name, filename in OUTPUT_FILES.items():
            handles[name] = (out_dir / filename).open("wb")
        for routed in route_inputs(iter_inputs(paths), analyzer, run_id=run_id,
                                   max_bytes=settings.max_message_bytes):
            _count(summary, routed)
            for record in routed.records:
                handles[record.destination].write(record.value + b"\n")
            bar.update()
    finally:
        for handle in handles.values():
            handle.close()
        bar.close()
    summary.seconds = time.perf_counter() - started
    _write_manifest(out_dir, summary, settings, {"files": digests})
    return summary


def _count(summary: ReplaySummary, routed: Routed) -> None:
    summary.inputs += 1
    if routed.error is not None:
        summary.deadletters += 1
    else:
        summary.analyzed += 1
    if routed.level is not None:
        summary.alerts[routed.level] += 1


def _write_manifest(out_dir: Path, summary: ReplaySummary, settings: Settings,
                    source: dict[str, Any]) -> None:
    outputs = {}
    for name, filename in OUTPUT_FILES.items():
        path = out_dir / filename
        data = path.read_bytes()
        outputs[name] = {"file": filename, "sha256": hashlib.sha256(data).hexdigest(),
                         "records": data.count(b"\n")}
    manifest = {
        "run_id": summary.run_id,
        "mode": summary.mode,
        "escwatch_version": __version__,
        "knowledge_version": summary.knowledge_version,
        "knowledge_dir": str(settings.knowledge_dir) if settings.knowledge_dir else None,
        "alert_threshold": settings.alert_threshold,
        "input": source,
        "counts": summary.counts(),
        "outputs": outputs,
        # Timing is the one non-deterministic part of the manifest.
        "timing": {"seconds": round(summary.seconds, 3),
                   "articles_per_s": round(summary.rate, 1)},
    }
    # The manifest is for people and diff tools, not an event: indented JSON.
    (out_dir / "run.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


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


# --------------------------------------------------------------- Kafka runs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env_for(run: Settings, workdir: Path) -> dict[str, str]:
    # The worker reads only the environment; these variables rebuild `run`
    # there. KAFKA_* security variables are inherited unchanged.
    env = dict(os.environ)
    env.update({
        "KAFKA_BOOTSTRAP_SERVERS": run.bootstrap_servers,
        "ESCWATCH_APP_ID": run.app_id,
        "ESCWATCH_TOPIC_RAW": run.topic_raw,
        "ESCWATCH_TOPIC_ANALYZED": run.topic_analyzed,
        "ESCWATCH_TOPIC_ALERTS": run.topic_alerts,
        "ESCWATCH_TOPIC_DEADLETTER": run.topic_deadletter,
        "ESCWATCH_RUN_ID": run.run_id or "",
        "ESCWATCH_PARTITIONS": str(run.partitions),
        "ESCWATCH_ALERT_THRESHOLD": repr(run.alert_threshold),
        "ESCWATCH_MAX_MESSAGE_BYTES": str(run.max_message_bytes),
        "ESCWATCH_DATA_DIR": str(workdir / "faust-data"),
        "ESCWATCH_WEB_PORT": str(_free_port()),
        "ESCWATCH_LOG_LEVEL": "WARNING",
    })
    if run.knowledge_dir is not None:
        env["ESCWATCH_KNOWLEDGE_DIR"] = str(run.knowledge_dir)
    else:
        env.pop("ESCWATCH_KNOWLEDGE_DIR", None)
    return env


def run_settings(settings: Settings, run_id: str) -> Settings:
    """The run's settings: :meth:`Settings.for_run` plus its private input topic."""
    return replace(settings.for_run(run_id), topic_raw=f"{settings.topic_raw}.{run_id}")


def input_range(run: Settings) -> TopicRange:
    """The run's whole input: every record of its input topic up to its current end."""
    from streams.clients import consumer

    cons = consumer(run)
    try:
        return resolve_range(cons, run.topic_raw)
    finally:
        cons.close()


def committed_offsets(client: Any, group: str, topic: str) -> dict[int, int]:
    """Consumer group ``group``'s offsets on ``topic`` (partition to the next offset to read).

    The worker commits an offset only after the outputs of every message
    before it are stored, so a committed offset at the end of a partition
    means all its inputs are done.

    Args:
        client: A kafka-python admin client.
        group: The consumer group (a run's Faust app id).
        topic: The input topic.
    """
    found = client.list_group_offsets(group).get(group, {})
    return {tp.partition: meta.offset for tp, meta in found.items()
            if tp.topic == topic and meta is not None and meta.offset is not None
            and meta.offset >= 0}


def run_worker(run: Settings, selection: TopicRange, *, timeout: float = 600.0,
               progress: bool = False) -> float:
    """Run ``escwatch worker`` for ``run`` until every record of ``selection`` is done.

    Done is counted by input offsets, not by article ids (an archive may hold
    one id twice): the run is complete when the run's consumer group has
    committed, on every partition of the input, an offset at or past the end
    of ``selection``. The worker commits only offsets whose outputs the broker
    has stored. The worker is then stopped with SIGTERM.

    Returns:
        Seconds from the worker's start until the last input was done.

    Raises:
        EscwatchError: when the worker exits early or the run times out; the
            message ends with the worker's log.
    """
    from streams.clients import admin, ensure_topics

    ensure_topics(run, [run.topic_analyzed, run.topic_alerts, run.topic_deadletter])
    client = admin(run)
    workdir = Path(tempfile.mkdtemp(prefix=f"escwatch-replay-{run.run_id}-"))
    log_path = workdir / "worker.log"
    expected = selection.size
    bar = Progress(expected, f"replay {run.run_id}", enabled=progress)
    pending = {p: (start, end) for p, (start, end) in selection.bounds.items() if end > start}

    def done_count(committed: dict[int, int]) -> int:
        return sum(min(max(committed.get(p, start), start), end) - start
                   for p, (start, end) in pending.items())

    started = time.monotonic()
    shown = 0
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"],
                                env=_env_for(run, workdir), stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            while True:
                done = done_count(committed_offsets(client, run.app_id, selection.topic)) \
                    if pending else 0
                bar.update(done - shown)
                shown = done
                if done >= expected:
                    break
                if proc.poll() is not None:
                    raise EscwatchError(f"worker exited with {proc.returncode}:\n"
                                        + _tail(log_path))
                if time.monotonic() - started > timeout:
                    raise EscwatchError(f"replay {run.run_id}: {done} of {expected} "
                                        f"inputs done after {timeout:.0f} s:\n" + _tail(log_path))
                time.sleep(0.3)
            elapsed = time.monotonic() - started
        finally:
            bar.close()
            client.close()
            stop_process(proc, timeout=60)
    return elapsed


def run_exists(run: Settings, *, input_topic: bool) -> list[str]:
    """What an earlier run with the same id left: its topics and consumer group offsets."""
    from streams.clients import admin

    client = admin(run)
    try:
        topics = set(client.list_topics())
        found = [t for t in (run.topic_raw if input_topic else None, run.topic_analyzed,
                             run.topic_alerts, run.topic_deadletter) if t and t in topics]
        if committed_offsets_any(client, run.app_id):
            found.append(f"consumer group {run.app_id}")
    finally:
        client.close()
    return found


def committed_offsets_any(client: Any, group: str) -> bool:
    """Whether ``group`` has committed any offset."""
    return bool(client.list_group_offsets(group).get(group))


def _check_new(run: Settings, *, resume: bool, input_topic: bool = True) -> bool:
    """Refuse to reuse a run id unless ``resume``; return whether the run existed."""
    found = run_exists(run, input_topic=input_topic)
    if found and not resume:
        raise ConfigError(
            f"run {run.run_id} already exists ({', '.join(found)}); choose another --run-id, "
            "or pass --resume to continue that run (new inputs are added to it, and it ends "
            "when all of its inputs are done)")
    return bool(found)


def _tail(path: Path, size: int = 3000) -> str:
    return path.read_text(errors="replace")[-size:]


def _summarize_topics(summary: ReplaySummary, run: Settings, selection: TopicRange) -> None:
    # Counted by input offsets: each input of the range has exactly one
    # analysis or one dead letter, and dead letters name their source offset
    # (redeliveries after a crash repeat a record but not an offset).
    alerts = {rec.key: codec.loads(rec.value)["level"]
              for rec in read_topic(run, run.topic_alerts)}
    rejected = set()
    for rec in read_topic(run, run.topic_deadletter):
        letter = codec.loads(rec.value)
        if letter.get("topic") == selection.topic:
            start, end = selection.bounds.get(letter.get("partition", -1), (0, 0))
            if start <= letter.get("offset", -1) < end:
                rejected.add((letter["partition"], letter["offset"]))
    summary.inputs = selection.size
    summary.deadletters = len(rejected)
    summary.analyzed = summary.inputs - summary.deadletters
    summary.alerts = Counter(alerts.values())
    summary.topics = {"input": run.topic_raw, "analyzed": run.topic_analyzed,
                      "alerts": run.topic_alerts, "deadletter": run.topic_deadletter}


def replay_files_kafka(paths: Sequence[str], settings: Settings, *, run_id: str | None = None,
                       timeout: float = 600.0, progress: bool = False,
                       resume: bool = False) -> ReplaySummary:
    """Publish files to the run's private input topic and run its worker."""
    from streams.app import build_analyzer
    from streams.clients import ensure_topics, producer

    digests = input_digests(paths)
    version = build_analyzer(settings).knowledge.version
    run_id = check_run_id(run_id or _kafka_run_id(derive_run_id(
        [d["sha256"] for d in digests], version, settings.alert_threshold)))
    run = run_settings(settings, run_id)
    _check_new(run, resume=resume)
    ensure_topics(run, [run.topic_raw])
    summary = ReplaySummary(run_id, "kafka-files", knowledge_version=version)
    prod = producer(run)
    try:
        futures = []
        for item in iter_inputs(paths):
            value, key = _value(item)
            futures.append(prod.send(run.topic_raw, key=key, value=value))
        prod.flush(timeout=60)
        for future in futures:
            future.get(timeout=60)  # a refused input would otherwise never be waited for
    finally:
        prod.close(timeout=10)
    # The whole input topic: with --resume it also holds the earlier inputs.
    selection = input_range(run)
    summary.seconds = run_worker(run, selection, timeout=timeout, progress=progress)
    _summarize_topics(summary, run, selection)
    return summary


def replay_topic_kafka(settings: Settings, selection: TopicRange, *, run_id: str | None = None,
                       timeout: float = 600.0, progress: bool = False,
                       resume: bool = False) -> ReplaySummary:
    """Copy ``selection`` to the run's private input topic and run its worker."""
    from streams.app import build_analyzer
    from streams.clients import consumer, ensure_topics, producer

    version = build_analyzer(settings).knowledge.version
    described = codec.dumps(selection.describe()).decode()
    run_id = check_run_id(run_id or _kafka_run_id(
        derive_run_id([described], version, settings.alert_threshold)))
    run = run_settings(settings, run_id)
    _check_new(run, resume=resume)
    ensure_topics(run, [run.topic_raw], partitions=max(selection.bounds, default=0) + 1)
    summary = ReplaySummary(run_id, "kafka-topic", knowledge_version=version)
    cons = consumer(settings)
    prod = producer(run)
    try:
        futures = [prod.send(run.topic_raw, key=rec.key, value=rec.value,
                             partition=rec.partition, timestamp_ms=rec.timestamp,
                             headers=list(rec.headers or []))
                   for rec in iter_range(cons, selection)]
        prod.flush(timeout=60)
        for future in futures:
            future.get(timeout=60)
    finally:
        prod.close(timeout=10)
        cons.close()
    copied = input_range(run)
    summary.seconds = run_worker(run, copied, timeout=timeout, progress=progress)
    _summarize_topics(summary, run, copied)
    return summary


def reset_group_offsets(run: Settings, selection: TopicRange) -> dict[int, int]:
    """Commit the run's consumer group offsets to the range's starts.

    The starts were found by time (``offsets_for_times``) or given as
    offsets; committing them for the run's group id (its Faust app id) before
    the worker starts makes the worker begin exactly there.

    Returns:
        Partition number to the committed offset.
    """
    from kafka import TopicPartition
    from kafka.structs import OffsetAndMetadata

    from streams.clients import consumer

    offsets = {TopicPartition(selection.topic, p): OffsetAndMetadata(start, "", -1)
               for p, (start, _) in sorted(selection.bounds.items())}
    cons = consumer(run, group_id=run.app_id)
    try:
        cons.commit(offsets)
        return {tp.partition: cons.committed(tp) for tp in offsets}
    finally:
        cons.close()


def replay_topic_in_place(settings: Settings, selection: TopicRange, *,
                          run_id: str | None = None, timeout: float = 600.0,
                          progress: bool = False, resume: bool = False) -> ReplaySummary:
    """Run the run's worker on the source topic itself, from the range's starts.

    The run's consumer group offsets are reset (committed) to the starts
    before its worker starts; the run ends when every record up to the end
    offsets seen at start has its output. Records published to the topic
    after that may also reach the run's outputs before the worker stops, so
    this mode takes no end bound (use the copying mode for an exact range).
    """
    from streams.app import build_analyzer

    version = build_analyzer(settings).knowledge.version
    described = codec.dumps(selection.describe()).decode()
    run_id = check_run_id(run_id or _kafka_run_id(
        derive_run_id([described, "in-place"], version, settings.alert_threshold)))
    run = replace(settings.for_run(run_id), topic_raw=selection.topic)
    if _check_new(run, resume=resume, input_topic=False):
        # Continued: from where the run's group stopped, to the range's end.
        from streams.clients import admin

        client = admin(run)
        try:
            committed = committed_offsets(client, run.app_id, selection.topic)
        finally:
            client.close()
        selection = TopicRange(selection.topic, {
            p: (min(committed.get(p, start), end), end)
            for p, (start, end) in selection.bounds.items()})
    else:
        committed = reset_group_offsets(run, selection)
    log.info("run %s: group %s at %s", run_id, run.app_id, committed)
    summary = ReplaySummary(run_id, "kafka-topic-in-place", knowledge_version=version)
    summary.seconds = run_worker(run, selection, timeout=timeout, progress=progress)
    _summarize_topics(summary, run, selection)
    return summary


def replay_topic_to_files(settings: Settings, selection: TopicRange, out_dir: Path, *,
                          run_id: str | None = None, progress: bool = False) -> ReplaySummary:
    """Route a topic range to files in this process (no worker, no output topics)."""
    from streams.app import build_analyzer
    from streams.clients import consumer

    analyzer = build_analyzer(settings)
    version = analyzer.knowledge.version
    described = selection.describe()
    run_id = check_run_id(run_id or derive_run_id(
        [codec.dumps(described).decode()], version, settings.alert_threshold))
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = ReplaySummary(run_id, "topic-files", knowledge_version=version)
    bar = Progress(selection.size, f"replay {run_id}", enabled=progress)
    cons = consumer(settings)
    handles = {name: (out_dir / f).open("wb") for name, f in OUTPUT_FILES.items()}
    started = time.perf_counter()
    try:
        for rec in iter_range(cons, selection):
            routed = route(rec.value, rec.key, Origin(rec.topic, rec.partition, rec.offset),
                           analyzer, max_bytes=settings.max_message_bytes, run_id=run_id)
            _count(summary, routed)
            for record in routed.records:
                handles[record.destination].write(record.value + b"\n")
            bar.update()
    finally:
        cons.close()
        bar.close()
        for handle in handles.values():
            handle.close()
    summary.seconds = time.perf_counter() - started
    _write_manifest(out_dir, summary, settings, {"topic": described})
    return summary


# ------------------------------------------------------------------- command


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``escwatch replay``."""
    p = argparse.ArgumentParser(
        prog="escwatch replay",
        description="Replay JSONL archives (files or folders) or a range of the articles topic "
                    "into an isolated run: its own consumer group and output topics suffixed "
                    "with the run id, or files with --out and no Kafka.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="archives: .jsonl/.txt files, folders")
    p.add_argument("--topic", nargs="?", const="", default=None, metavar="TOPIC",
                   help="replay a range of TOPIC (default ESCWATCH_TOPIC_RAW) instead of files")
    p.add_argument("--from-offset", type=int, help="first offset of the range (each partition)")
    p.add_argument("--to-offset", type=int, help="offset past the range's end (exclusive)")
    p.add_argument("--from-time", help="range start: RFC 3339 time or epoch ms (inclusive)")
    p.add_argument("--to-time", help="range end: RFC 3339 time or epoch ms (exclusive)")
    p.add_argument("--reset-offsets", action="store_true",
                   help="with --topic and a start bound only: no copy; the run's consumer "
                        "group offsets are reset to the start (by time or offset) and its "
                        "worker consumes TOPIC itself")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write analyzed/alerts/deadletter JSONL and run.json to DIR, no Kafka run")
    p.add_argument("--run-id", help="run id (default: derived from inputs and knowledge); an "
                                    "existing Kafka run's id is refused unless --resume")
    p.add_argument("--resume", action="store_true",
                   help="continue the existing Kafka run --run-id: the inputs are added to its "
                        "input topic and the run ends when all of its inputs are done")
    p.add_argument("--knowledge", type=Path, metavar="DIR",
                   help="knowledge folder overriding the packaged files "
                        "(default: ESCWATCH_KNOWLEDGE_DIR)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="give up a Kafka run after this many seconds (default 600)")
    p.add_argument("--progress", action="store_true", help="draw a progress bar even off a TTY")
    return p


def main(argv: list[str]) -> int:
    """Run ``escwatch replay``; print the summary; return the exit code."""
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    if args.knowledge is not None:
        settings = replace(settings, knowledge_dir=args.knowledge)
    bounded = any(v is not None for v in (args.from_offset, args.to_offset, args.from_time,
                                           args.to_time))
    if args.topic is None and not args.paths:
        raise ConfigError("give archive paths, or --topic with a range")
    if args.topic is not None and args.paths:
        raise ConfigError("give archive paths or --topic, not both")
    if args.paths and bounded:
        raise ConfigError("--from-/--to- bounds apply to --topic replays only")
    if args.reset_offsets and (args.topic is None or args.out is not None
                               or args.to_offset is not None or args.to_time is not None):
        raise ConfigError("--reset-offsets needs --topic, no --out and no end bound "
                          "(--to-offset/--to-time need the exact, copying mode)")
    if args.resume and (args.run_id is None or args.out is not None):
        raise ConfigError("--resume continues a Kafka run: give its --run-id, and no --out")
    progress = Progress.wanted(args.progress)
    try:
        if args.paths:
            if args.out is not None:
                summary = replay_to_files(args.paths, args.out, settings, run_id=args.run_id,
                                          progress=progress)
            else:
                summary = replay_files_kafka(args.paths, settings, run_id=args.run_id,
                                             timeout=args.timeout, progress=progress,
                                             resume=args.resume)
        else:
            from streams.clients import consumer

            cons = consumer(settings)
            try:
                selection = resolve_range(
                    cons, args.topic or settings.topic_raw, from_offset=args.from_offset,
                    to_offset=args.to_offset,
                    from_time=parse_time(args.from_time) if args.from_time else None,
                    to_time=parse_time(args.to_time) if args.to_time else None)
            finally:
                cons.close()
            if args.reset_offsets:
                summary = replay_topic_in_place(settings, selection, run_id=args.run_id,
                                                timeout=args.timeout, progress=progress,
                                                resume=args.resume)
            elif args.out is not None:
                summary = replay_topic_to_files(settings, selection, args.out,
                                                run_id=args.run_id, progress=progress)
            else:
                summary = replay_topic_kafka(settings, selection, run_id=args.run_id,
                                             timeout=args.timeout, progress=progress,
                                             resume=args.resume)
    except KeyboardInterrupt:
        return 130
    print(summary.format())
    if args.out is not None:
        print(f"  outputs: {args.out}/ (run.json, {', '.join(OUTPUT_FILES.values())})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
