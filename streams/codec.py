"""The one serialisation boundary: orjson plus JSON Schema validation.

Everything that crosses Kafka or a file passes here. Library errors become
the project's own (:class:`DecodeError`, :class:`SchemaError`,
:class:`TooLargeError`) with a message that says what is wrong, so the worker
can put the message on the dead-letter topic with that reason.
"""

from __future__ import annotations

import base64
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

from streams.config import MAX_MESSAGE_BYTES
from streams.core.model import Article
from streams.core.text import strip_markup
from streams.errors import DecodeError, SchemaError, TooLargeError

__all__ = [
    "MAX_MESSAGE_BYTES",
    "SCHEMA_DIR",
    "article_from_event",
    "decode_article",
    "decode_event",
    "dumps",
    "loads",
    "validate",
    "validator",
]

# orjson options used for every event: stable key order makes replays
# byte-identical; non-str keys never appear in our own events.
OPTIONS = orjson.OPT_SORT_KEYS
MAX_DEPTH = 32
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMAS = ("article.v1", "analysis.v1", "alert.v1", "deadletter.v1", "story_alert.v1", "trend.v1")

_formats = FormatChecker()


@_formats.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    # RFC 3339 needs a date, a time and an offset; fromisoformat accepts all
    # RFC 3339 forms in Python 3.11 (including "Z").
    if not isinstance(value, str):
        return True
    if len(value) < 20 or value[10] not in "Tt ":
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return True


def dumps(obj: Any) -> bytes:
    """Serialise an event to compact JSON bytes with sorted keys."""
    return orjson.dumps(obj, option=OPTIONS)


def loads(data: bytes | str) -> Any:
    """Parse JSON; raise :class:`DecodeError` with the parser's reason."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"not valid JSON: {exc}") from exc


@cache
def _registry() -> Registry:
    resources = []
    for name in SCHEMAS:
        contents = orjson.loads((SCHEMA_DIR / f"{name}.json").read_bytes())
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """Return the compiled validator of schema ``name`` (e.g. "alert.v1")."""
    if name not in SCHEMAS:
        raise KeyError(f"unknown schema {name!r}; known: {', '.join(SCHEMAS)}")
    schema = orjson.loads((SCHEMA_DIR / f"{name}.json").read_bytes())
    return Draft202012Validator(schema, registry=_registry(), format_checker=_formats)


def validate(obj: Any, name: str) -> None:
    """Check ``obj`` against schema ``name``.

    Raises:
        SchemaError: naming the first offending field and why.
    """
    error = best_match(validator(name).iter_errors(obj))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise SchemaError(f"{name}: {where}: {error.message[:300]}")


def _depth(obj: Any, limit: int) -> int:
    # Iterative so a hostile document cannot exhaust the Python stack.
    stack: list[tuple[Any, int]] = [(obj, 1)]
    deepest = 0
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def decode_article(data: bytes | None, *, max_bytes: int = MAX_MESSAGE_BYTES) -> Article:
    """Turn message bytes into an :class:`Article`; see :func:`decode_event`."""
    return decode_event(data, max_bytes=max_bytes)[0]


def decode_event(
    data: bytes | None, *, max_bytes: int = MAX_MESSAGE_BYTES
) -> tuple[Article, float | None]:
    """Turn message bytes into an :class:`Article` and its send stamp, or say why not.

    The second value is the producer's ``sent_at_ms`` when present, carried
    through to the analysis so end-to-end latency can be measured.

    Markup in the text is stripped here, once, so the offsets every
    consumer sees index into the text that was analysed.

    Raises:
        TooLargeError: the message or its text is over ``max_bytes``.
        DecodeError: not UTF-8, not JSON, not an object, too deeply nested.
        SchemaError: an object that breaks ``article.v1``, or whose text is
            empty after markup is stripped.
    """
    if data is None:
        raise DecodeError("empty message: no value (tombstone)")
    if len(data) > max_bytes:
        raise TooLargeError(f"message is {len(data)} bytes, over the limit of {max_bytes}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8: {exc.reason} at byte {exc.start}") from exc
    obj = loads(data)
    if not isinstance(obj, dict):
        raise DecodeError(f"expected a JSON object, got {type(obj).__name__}")
    if _depth(obj, MAX_DEPTH) > MAX_DEPTH:
        raise DecodeError(f"JSON nested deeper than {MAX_DEPTH} levels")
    article = article_from_event(obj)
    sent = obj.get("sent_at_ms")
    return article, float(sent) if isinstance(sent, int | float) else None


def b64(data: bytes | None) -> str | None:
    """Base64 of ``data`` as text, for dead-letter records."""
    return None if data is None else base64.b64encode(data).decode("ascii")


def article_from_event(obj: dict[str, Any]) -> Article:
    """Validate a parsed ``article.v1`` object and build the :class:`Article`.

    Raises:
        SchemaError: when it breaks the schema, holds NUL characters, or its
            text is empty once markup is stripped.
    """
    validate(obj, "article.v1")
    text: str = obj["text"]
    if "\x00" in text:
        raise SchemaError("article.v1: text: contains NUL bytes")
    text = strip_markup(text)
    if not text.strip():
        raise SchemaError("article.v1: text: empty after markup is stripped")
    return Article(
        id=obj["id"],
        text=text,
        title=strip_markup(obj.get("title") or ""),
        url=obj.get("url") or "",
        source=obj.get("source") or "",
        published_at=obj.get("published_at"),
        language=obj.get("language") or "en",
    )

