"""The worst-case benchmark's inputs have the shapes they are named for."""

from __future__ import annotations

import pytest

from streams.bench.worst import WORST_BYTES, WORST_SHAPES, worst_text

SEED = "NATO may deploy troops. Russia warned! Will Germany agree? Talks go on."


@pytest.mark.parametrize("shape", WORST_SHAPES)
def test_each_shape_fills_the_accepted_maximum(shape: str) -> None:
    """Every shape is just under 1 MB in UTF-8 bytes, so it is accepted, not dead-lettered."""
    size = len(worst_text(shape, SEED).encode())
    assert WORST_BYTES - 100 < size <= WORST_BYTES


def test_shapes_are_what_they_say() -> None:
    """One sentence has no sentence end; no-spaces has no spaces; comma-joined joins words
    with commas."""
    assert not set(".!?") & set(worst_text("one-sentence", SEED))
    assert " " not in worst_text("no-spaces", SEED)
    joined = worst_text("comma-joined", SEED)
    assert " " not in joined
    assert joined.count(",") > len(joined) // 20
    hyphens = worst_text("hyphen-joined", SEED)
    assert " " not in hyphens
    assert hyphens.count("-") > len(hyphens) // 20
    assert "\n\n" in worst_text("ordinary", SEED)
