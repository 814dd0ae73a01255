"""Read the knowledge files from disk into an immutable knowledge base.

The default files ship inside the package (``streams/knowledge/data``). A user
points the service at their own folder with ``ESCWATCH_KNOWLEDGE_DIR``; each
file found there replaces the packaged one of the same name, so a folder
holding only ``signals.jsonl`` tries a new lexicon against the stock actors.

The article-domain model (``domain_model.jsonl``, written by
``tools/train_domain.py``) is read the same way by :func:`load_domain_model`,
a folder's own copy first.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from streams.core.domain import DomainModel, DomainModelError
from streams.core.knowledge import KnowledgeBase, KnowledgeError
from streams.errors import ConfigError

__all__ = ["DEFAULT_DIR", "DOMAIN_MODEL_FILE", "KNOWLEDGE_FILES", "load_domain_model",
           "load_knowledge"]

DEFAULT_DIR = Path(__file__).resolve().parent / "data"
KNOWLEDGE_FILES: tuple[str, ...] = (
    "countries",
    "organisations",
    "persons",
    "titles",
    "signals",
    "modality",
    "agents",
    "agency",
)
DOMAIN_MODEL_FILE = "domain_model.jsonl"


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            stripped = line.strip()
            if not stripped or stripped.startswith(b"#"):
                continue
            try:
                row = orjson.loads(stripped)
            except orjson.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number}: not valid JSON: {exc}") from exc
            if not isinstance(row, dict):
                raise ConfigError(f"{path}:{number}: each line must be a JSON object")
            yield row


def resolve_files(directory: Path | None) -> dict[str, Path]:
    """Return the file used for each knowledge kind, user folder first."""
    chosen: dict[str, Path] = {}
    for name in KNOWLEDGE_FILES:
        candidate = directory / f"{name}.jsonl" if directory else None
        if candidate is not None and candidate.is_file():
            chosen[name] = candidate
        else:
            chosen[name] = DEFAULT_DIR / f"{name}.jsonl"
    return chosen


@lru_cache(maxsize=8)
def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Load the knowledge base, from ``directory`` where it has a file.

    Args:
        directory: A folder of ``*.jsonl`` knowledge files, or None for the
            packaged defaults.

    Raises:
        ConfigError: when the folder is missing, a file is unreadable, or a
            row is malformed; the message names the file and line.
    """
    if directory is not None and not directory.is_dir():
        raise ConfigError(f"knowledge folder {directory} does not exist")
    files = resolve_files(directory)
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise ConfigError(f"knowledge files missing: {', '.join(missing)}")
    model = load_domain_model(directory)
    try:
        return KnowledgeBase.from_rows(**{name: list(_rows(path)) for name, path in files.items()},
                                       domain_model=model)
    except KnowledgeError as exc:
        raise ConfigError(f"knowledge base in {directory or DEFAULT_DIR}: {exc}") from exc


@lru_cache(maxsize=8)
def load_domain_model(directory: Path | None = None) -> DomainModel:
    """Load the article-domain model, from ``directory`` when it has one.

    Args:
        directory: A knowledge folder; its ``domain_model.jsonl`` replaces the
            packaged one when present. None reads the packaged model.

    Raises:
        ConfigError: when the folder is missing or the file is unreadable or
            malformed; the message names the file.
    """
    if directory is not None and not directory.is_dir():
        raise ConfigError(f"knowledge folder {directory} does not exist")
    candidate = directory / DOMAIN_MODEL_FILE if directory else None
    path = candidate if candidate is not None and candidate.is_file() else (
        DEFAULT_DIR / DOMAIN_MODEL_FILE)
    if not path.is_file():
        raise ConfigError(f"domain model missing: {path}")
    try:
        return DomainModel.from_rows(_rows(path))
    except (DomainModelError, TypeError, ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
