"""Read the knowledge files from disk into an immutable knowledge base.

The default files ship inside the package (``streams/knowledge/data``). A user
points the service at their own folder with ``ESCWATCH_KNOWLEDGE_DIR``; each
file found there replaces the packaged one of the same name, so a folder
holding only ``signals.jsonl`` tries a new lexicon against the stock actors,
and one holding only ``words.jsonl`` tries new word lists.

Every row is validated against the JSON Schema of its file
(``streams/knowledge/schemas/<name>.schema.json``) as it is read; an error
names the file and line.

The modality rows come in three files by kind, read in this order into the
one list of modality rows the lexicon compiles: ``modality_rules.jsonl``
(factors, flips, intents), ``modality.jsonl`` (modality and speech cues) and
``senses.jsonl`` (idioms, domains, evaluative adjectives).

The article-domain model (``domain_model.jsonl``, written by
``tools/train_domain.py``) is read the same way by :func:`load_domain_model`,
a folder's own copy first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import orjson

from streams.core.domain import DomainModel, DomainModelError
from streams.core.knowledge import KnowledgeBase, KnowledgeError
from streams.errors import ConfigError

__all__ = ["DEFAULT_DIR", "DOMAIN_MODEL_FILE", "KNOWLEDGE_FILES", "SCHEMA_DIR",
           "load_domain_model", "load_knowledge", "read_rows"]

DEFAULT_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
KNOWLEDGE_FILES: tuple[str, ...] = (
    "countries",
    "organisations",
    "persons",
    "titles",
    "signals",
    "modality_rules",
    "modality",
    "senses",
    "agents",
    "agency",
    "words",
    "irregular_verbs",
)
# The files whose rows make up the lexicon's modality rows, in order.
MODALITY_FILES: tuple[str, ...] = ("modality_rules", "modality", "senses")
# The files of the vocabulary: not part of the stock fingerprint (see
# KnowledgeBase.from_rows), folded into it when a folder overrides them.
VOCABULARY_FILES: tuple[str, ...] = ("words", "irregular_verbs")
DOMAIN_MODEL_FILE = "domain_model.jsonl"


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    path = SCHEMA_DIR / f"{name}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def _rows(path: Path, schema: str | None = None) -> Iterator[dict[str, Any]]:
    validator = _validator(schema) if schema is not None else None
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
            if validator is not None:
                error = jsonschema.exceptions.best_match(validator.iter_errors(row))
                if error is not None:
                    where = "/".join(str(p) for p in error.absolute_path) or "the row"
                    raise ConfigError(f"{path}:{number}: {where}: {error.message} "
                                      f"(schema {schema}.schema.json)")
            yield row


def read_rows(name: str, directory: Path | None = None) -> list[dict[str, Any]]:
    """Return the validated rows of knowledge file ``name``, the folder's copy first.

    Raises:
        ConfigError: when the file is missing, or a row is not JSON or does
            not fit the file's schema; the message names the file and line.
    """
    path = resolve_files(directory)[name]
    if not path.is_file():
        raise ConfigError(f"knowledge file missing: {path}")
    return list(_rows(path, name))


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


def _with_overrides(kb: KnowledgeBase, files: dict[str, Path],
                    rows: dict[str, list[dict[str, Any]]]) -> KnowledgeBase:
    """Fold overridden vocabulary files into the fingerprint."""
    overridden = [n for n in VOCABULARY_FILES if files[n].parent != DEFAULT_DIR]
    if not overridden:
        return kb
    digest = hashlib.sha256(kb.version.encode())
    for name in overridden:
        digest.update(repr((name, rows[name])).encode())
    return replace(kb, version=digest.hexdigest()[:12])


@lru_cache(maxsize=8)
def load_knowledge(directory: Path | None = None) -> KnowledgeBase:
    """Load the knowledge base, from ``directory`` where it has a file.

    Args:
        directory: A folder of ``*.jsonl`` knowledge files, or None for the
            packaged defaults.

    Raises:
        ConfigError: when the folder is missing, a file is unreadable, or a
            row is malformed or does not fit its schema; the message names
            the file and line.
    """
    if directory is not None and not directory.is_dir():
        raise ConfigError(f"knowledge folder {directory} does not exist")
    files = resolve_files(directory)
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise ConfigError(f"knowledge files missing: {', '.join(missing)}")
    model = load_domain_model(directory)
    rows = {name: list(_rows(path, name)) for name, path in files.items()}
    modality = [row for name in MODALITY_FILES for row in rows[name]]
    try:
        kb = KnowledgeBase.from_rows(
            countries=rows["countries"], organisations=rows["organisations"],
            persons=rows["persons"], titles=rows["titles"], signals=rows["signals"],
            modality=modality, agents=rows["agents"], agency=rows["agency"],
            words=rows["words"], irregular_verbs=rows["irregular_verbs"], domain_model=model)
    except KnowledgeError as exc:
        raise ConfigError(f"knowledge base in {directory or DEFAULT_DIR}: {exc}") from exc
    return _with_overrides(kb, files, rows)


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
