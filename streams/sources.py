"""Reading article events from files: JSONL archives and plain-text articles.

Shared by ``escwatch ingest``, ``escwatch analyze`` and file replays, so all
three accept the same inputs and report bad lines the same way.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams import codec
from streams.errors import ConfigError, DecodeError

__all__ = ["ARTICLE_SUFFIXES", "InputLine", "expand_paths", "is_article_file", "iter_inputs",
           "text_article"]

ARTICLE_SUFFIXES = frozenset({".jsonl", ".txt"})
"""File kinds read from folders: JSONL archives and plain-text articles."""

_NAMED_BY_ID = re.compile(r"(?:^|[-_.])[0-9a-f]{16,}$")


@dataclass(frozen=True, slots=True)
class InputLine:
    """One input record, valid or not.

    Attributes:
        path: File it came from ("-" for standard input).
        line: 1-based line number (1 for a .txt article).
        raw: The bytes as read (without the line break).
        event: The parsed article event, or None when invalid.
        error: Why it is invalid, or None.
    """

    path: str
    line: int
    raw: bytes
    event: dict[str, Any] | None
    error: str | None


def text_article(path: Path, data: bytes) -> dict[str, Any]:
    """Make an article event from a plain-text file: first line is the title.

    The id is stable, so ingesting the same file twice gives the same id
    (and the same alert ids): a file name that already ends in a hex token of
    16 or more digits (``000_9deb2ec686b81daa.txt``) is taken as the id, as
    archives name articles by id; any other name gets the first 16 hex digits
    of the content's SHA-256 appended (``report-<digest>``). The seed's JSONL
    form uses the same id.
    """
    text = data.decode("utf-8")
    title, _, body = text.strip().partition("\n")
    digest = hashlib.sha256(data).hexdigest()[:16]
    named = _NAMED_BY_ID.search(path.stem) is not None
    return {
        "schema": "article.v1",
        "id": path.stem if named else f"{path.stem}-{digest}",
        "title": title.strip(),
        "text": body.strip() or title.strip(),
        "source": path.name,
        "language": "en",
    }


def _check(obj: Any) -> str | None:
    # The same checks as the worker's decoder (schema, NUL, empty after markup
    # is stripped), so what a file tool accepts the worker analyses.
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    try:
        codec.article_from_event(obj)
    except DecodeError as exc:
        return str(exc)
    return None


def _jsonl(name: str, handle: Iterable[bytes], max_bytes: int | None) -> Iterator[InputLine]:
    for number, raw in enumerate(handle, 1):
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            continue
        if max_bytes is not None and len(raw) > max_bytes:
            yield InputLine(name, number, raw, None,
                            f"line is {len(raw)} bytes, over the limit of {max_bytes} "
                            "(ESCWATCH_MAX_MESSAGE_BYTES)")
            continue
        try:
            obj = codec.loads(raw)
        except DecodeError as exc:
            yield InputLine(name, number, raw, None, str(exc))
            continue
        error = _check(obj)
        yield InputLine(name, number, raw, obj if error is None else None, error)


_NOT_ARTICLES = re.compile(r"^(readme|license|licence|notice|changelog|copying|authors)\b",
                           re.IGNORECASE)


def is_article_file(path: Path) -> bool:
    """Whether a file found in a folder holds articles.

    A ``.txt`` file is an article unless it is a README, LICENSE or the like;
    a ``.jsonl`` file holds article events when its first record (blank lines
    and ``#`` comments skipped) is a JSON object with ``text`` or with
    ``schema`` ``article.v1``, so labels, knowledge files and outputs kept
    beside an archive are not read as broken articles. Files named on the
    command line are always read.
    """
    if path.name.startswith(".") or path.suffix not in ARTICLE_SUFFIXES:
        return False
    if path.suffix == ".txt":
        return _NOT_ARTICLES.match(path.stem) is None
    try:
        with path.open("rb") as handle:
            for raw in handle:
                raw = raw.strip()
                if not raw or raw.startswith(b"#"):
                    continue
                try:
                    obj = codec.loads(raw)
                except DecodeError:
                    return False
                return isinstance(obj, dict) and (
                    "text" in obj or obj.get("schema") == "article.v1")
    except OSError:
        return False
    return False  # empty


def expand_paths(paths: Iterable[str]) -> Iterator[Path | None]:
    """The files that ``paths`` name: files as given, folders expanded (recursively,
    sorted) to their article files (:func:`is_article_file`), None for "-".

    Raises:
        ConfigError: when a path does not exist.
    """
    for name in paths:
        if name == "-":
            yield None
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and is_article_file(p))
            yield from found
        elif path.is_file():
            yield path
        else:
            raise ConfigError(f"{name}: no such file or folder")


def iter_inputs(paths: Iterable[str], *, max_bytes: int | None = None) -> Iterator[InputLine]:
    """Yield every input record from files, folders (recursively: their article
    files only, see :func:`is_article_file`) or "-".

    ``.jsonl`` files (and standard input) hold one article event per line;
    ``.txt`` files hold one article each, title on the first line.

    Args:
        paths: Files, folders or "-" for standard input.
        max_bytes: When set, a record longer than this is invalid (the
            worker would dead-letter it as too large).

    Raises:
        ConfigError: when a path does not exist.
    """
    for path in expand_paths(paths):
        if path is None:
            yield from _jsonl("-", sys.stdin.buffer, max_bytes)
        elif path.suffix == ".txt":
            data = path.read_bytes()
            if max_bytes is not None and len(data) > max_bytes:
                yield InputLine(str(path), 1, data, None,
                                f"file is {len(data)} bytes, over the limit of {max_bytes} "
                                "(ESCWATCH_MAX_MESSAGE_BYTES)")
                continue
            try:
                event = text_article(path, data)
            except UnicodeDecodeError as exc:
                yield InputLine(str(path), 1, data, None, f"not UTF-8: {exc.reason}")
                continue
            error = _check(event)
            yield InputLine(str(path), 1, data, event if error is None else None, error)
        else:
            with path.open("rb") as handle:
                yield from _jsonl(str(path), handle, max_bytes)
