"""Validation of the stories' records: ``story_alert.v1`` and ``trend.v1``.

The schema files sit beside the others in ``schemas/`` and are checked by the same
validator as every other record (:func:`streams.codec.validate`).
"""

from __future__ import annotations

from typing import Any

from streams import codec

__all__ = ["SCHEMAS", "validate"]

SCHEMAS = ("story_alert.v1", "trend.v1")


def validate(obj: Any, name: str) -> None:
    """Check ``obj`` against ``story_alert.v1`` or ``trend.v1``.

    Raises:
        KeyError: ``name`` is not one of :data:`SCHEMAS`.
        SchemaError: naming the first offending field and why.
    """
    if name not in SCHEMAS:
        raise KeyError(f"unknown story schema {name!r}; known: {', '.join(SCHEMAS)}")
    codec.validate(obj, name)
