"""Replays to files, no Kafka run: files to files, or a topic range to files, plus the
``run.json`` manifest.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from streams import __version__, codec
from streams.config import Settings
from streams.pipeline import Origin, Routed, route
from streams.replay.inputs import (
    OUTPUT_FILES,
    check_run_id,
    derive_run_id,
    input_digests,
    route_inputs,
)
from streams.replay.progress import Progress, ReplaySummary
from streams.replay.topic import TopicRange, iter_range
from streams.sources import iter_inputs

__all__ = ["replay_to_files", "replay_topic_to_files"]

# ------------------------------------------------------------ files to files


def replay_to_files(paths: Sequence[str], out_dir: Path, settings: Settings, *,
                    run_id: str | None = None, analyzer: Any = None,
                    progress: bool = False) -> ReplaySummary:
    """Replay files into ``out_dir`` with no Kafka; write the manifest last.

    Returns:
        The summary; ``out_dir/run.json`` holds the same counts.
    """
    from streams.pipeline import build_analyzer

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


def replay_topic_to_files(settings: Settings, selection: TopicRange, out_dir: Path, *,
                          run_id: str | None = None, progress: bool = False) -> ReplaySummary:
    """Route a topic range to files in this process (no worker, no output topics)."""
    from streams.clients import consumer
    from streams.pipeline import build_analyzer

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
