"""The project's error hierarchy: one root, specific subclasses.

A :class:`DecodeError` carries the dead-letter ``reason`` of the message that
caused it; the CLI reports any :class:`EscwatchError` as a one-line error.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DecodeError",
    "EscwatchError",
    "SchemaError",
    "TooLargeError",
]


class EscwatchError(Exception):
    """Root of every error the project raises on purpose."""


class ConfigError(EscwatchError):
    """A setting, knowledge file or command-line value is wrong."""


class DecodeError(EscwatchError):
    """Bytes that are not a JSON object in UTF-8."""

    reason: str = "decode_error"


class SchemaError(DecodeError):
    """A JSON object that breaks its versioned schema."""

    reason = "schema_error"


class TooLargeError(DecodeError):
    """A message or article text over the configured size limit."""

    reason = "too_large"
