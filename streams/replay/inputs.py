"""Replay inputs and run ids: file digests, derived run ids, routing of input lines."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from streams import codec
from streams.config import Settings
from streams.errors import ConfigError
from streams.pipeline import Origin, Routed, route
from streams.sources import InputLine

__all__ = [
    "OUTPUT_FILES",
    "check_run_id",
    "comparable_alerts",
    "derive_run_id",
    "input_digests",
    "route_inputs",
]

OUTPUT_FILES: dict[str, str] = {
    "analyzed": "analyzed.jsonl",
    "alerts": "alerts.jsonl",
    "deadletter": "deadletter.jsonl",
}


# ---------------------------------------------------------------- inputs, ids


def settings_with_knowledge(knowledge: Path | None) -> Settings:
    """The environment's settings, with the run's knowledge folder when one is given."""
    settings = Settings.from_env()
    if knowledge is not None:
        settings = replace(settings, knowledge_dir=knowledge)
    return settings


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


def kafka_run_id(base: str) -> str:
    return f"{base}-{uuid.uuid4().hex[:4]}"


def check_run_id(run_id: str) -> str:
    """Reject run ids that would make invalid topic or group names."""
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    if not run_id or len(run_id) > 64 or not set(run_id) <= allowed:
        raise ConfigError(f"--run-id {run_id!r}: use 1-64 letters, digits, '-' or '_'")
    return run_id


def input_record(item: InputLine) -> tuple[bytes, bytes | None]:
    # JSONL lines travel as they were read, like `escwatch ingest --raw`, so a
    # bad line is dead-lettered with its original bytes; a .txt article has
    # no JSON form of its own and travels as its article event.
    key = str(item.event["id"]).encode() if item.event is not None else None
    if item.path.endswith(".txt") and item.event is not None:
        return codec.dumps(item.event), key
    return item.raw, key


def route_inputs(items: Iterable[InputLine], analyzer: Any, *, run_id: str | None,
                 max_bytes: int = codec.MAX_MESSAGE_BYTES) -> Iterator[Routed]:
    """Route every input record through the worker's path, in order.

    Args:
        items: Records from :func:`streams.sources.iter_inputs`.
        analyzer: The compiled core.
        run_id: Stamped on outputs like the run's worker does, or None.
        max_bytes: Largest accepted message.
    """
    for item in items:
        value, key = input_record(item)
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
