"""Validation of the stories' records: ``story_alert.v1`` and ``trend.v1``.

The schema files sit beside the others in ``schemas/``; they refer to ``analysis.v1``
(modality), so the registry holds the core's schemas too.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

from streams import codec
from streams.errors import SchemaError

__all__ = ["SCHEMAS", "validate"]

SCHEMAS = ("story_alert.v1", "trend.v1")


@cache
def _registry() -> Registry:
    resources = []
    for name in (*codec.SCHEMAS, *SCHEMAS):
        contents = orjson.loads((codec.SCHEMA_DIR / f"{name}.json").read_bytes())
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def _validator(name: str) -> Draft202012Validator:
    if name not in SCHEMAS:
        raise KeyError(f"unknown schema {name!r}; known: {', '.join(SCHEMAS)}")
    schema = orjson.loads((codec.SCHEMA_DIR / f"{name}.json").read_bytes())
    return Draft202012Validator(schema, registry=_registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(obj: Any, name: str) -> None:
    """Check ``obj`` against ``story_alert.v1`` or ``trend.v1``.

    Raises:
        SchemaError: naming the first offending field and why.
    """
    error = best_match(_validator(name).iter_errors(obj))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise SchemaError(f"{name}: {where}: {error.message[:300]}")
