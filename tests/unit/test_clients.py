"""streams.clients helpers that need no broker: retries of group offset lookups."""

from __future__ import annotations

from typing import Any

import pytest
from kafka.errors import CoordinatorNotAvailableError, GroupAuthorizationFailedError

from streams.clients import group_offsets


class _Admin:
    """Answers ``list_group_offsets`` with the given errors first, then ``offsets``."""

    def __init__(self, errors: list[Exception], offsets: dict[str, Any]) -> None:
        self.errors = errors
        self.offsets = offsets
        self.calls = 0

    def list_group_offsets(self, group: str) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.offsets


def test_a_coordinator_not_yet_available_is_waited_for() -> None:
    """On a fresh broker the first lookups fail with a retriable error; the offsets come after."""
    admin = _Admin([CoordinatorNotAvailableError(), CoordinatorNotAvailableError()],
                   {"g": {"tp": 5}})
    assert group_offsets(admin, "g", timeout=10) == {"tp": 5}  # type: ignore[arg-type]
    assert admin.calls == 3


def test_a_group_without_offsets_gives_an_empty_mapping() -> None:
    assert group_offsets(_Admin([], {}), "g") == {}  # type: ignore[arg-type]


def test_a_non_retriable_error_is_raised_at_once() -> None:
    admin = _Admin([GroupAuthorizationFailedError()], {})
    with pytest.raises(GroupAuthorizationFailedError):
        group_offsets(admin, "g", timeout=10)  # type: ignore[arg-type]
    assert admin.calls == 1


def test_retries_end_at_the_timeout() -> None:
    admin = _Admin([CoordinatorNotAvailableError()] * 50, {})
    with pytest.raises(CoordinatorNotAvailableError):
        group_offsets(admin, "g", timeout=0.6)  # type: ignore[arg-type]
    assert 2 <= admin.calls <= 4
