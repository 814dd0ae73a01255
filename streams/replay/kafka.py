"""Replays through Kafka: a real ``escwatch worker`` on an isolated run (own consumer group,
suffixed topics).
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from streams import codec
from streams.config import Settings
from streams.errors import ConfigError, EscwatchError
from streams.processes import die_with_parent, stop_process
from streams.replay.inputs import (
    check_run_id,
    derive_run_id,
    input_digests,
    input_record,
    kafka_run_id,
)
from streams.replay.progress import Progress, ReplaySummary
from streams.replay.topic import TopicRange, iter_range, read_topic, resolve_range
from streams.sources import iter_inputs

__all__ = [
    "committed_offsets",
    "committed_offsets_any",
    "input_range",
    "replay_files_kafka",
    "replay_topic_in_place",
    "replay_topic_kafka",
    "reset_group_offsets",
    "run_exists",
    "run_settings",
    "run_worker",
]

log = logging.getLogger(__name__)


# --------------------------------------------------------------- Kafka runs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env_for(run: Settings, workdir: Path) -> dict[str, str]:
    # The worker reads only the environment: Settings.to_env() rebuilds `run`
    # there, with a private state folder and web port and quieter logs.
    env = {**os.environ, **run.to_env()}
    env.update({
        "ESCWATCH_DATA_DIR": str(workdir / "faust-data"),
        "ESCWATCH_WEB_PORT": str(_free_port()),
        "ESCWATCH_LOG_LEVEL": "WARNING",
    })
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
    from streams.clients import group_offsets

    found = group_offsets(client, group)
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
                                stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
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
    from streams.clients import group_offsets

    return bool(group_offsets(client, group))


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
    from streams.clients import ensure_topics, producer
    from streams.pipeline import build_analyzer

    digests = input_digests(paths)
    version = build_analyzer(settings).knowledge.version
    run_id = check_run_id(run_id or kafka_run_id(derive_run_id(
        [d["sha256"] for d in digests], version, settings.alert_threshold)))
    run = run_settings(settings, run_id)
    _check_new(run, resume=resume)
    ensure_topics(run, [run.topic_raw])
    summary = ReplaySummary(run_id, "kafka-files", knowledge_version=version)
    prod = producer(run)
    try:
        futures = []
        for item in iter_inputs(paths):
            value, key = input_record(item)
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
    from streams.clients import consumer, ensure_topics, producer
    from streams.pipeline import build_analyzer

    version = build_analyzer(settings).knowledge.version
    described = codec.dumps(selection.describe()).decode()
    run_id = check_run_id(run_id or kafka_run_id(
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
    from streams.pipeline import build_analyzer

    version = build_analyzer(settings).knowledge.version
    described = codec.dumps(selection.describe()).decode()
    run_id = check_run_id(run_id or kafka_run_id(
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
