"""The cue tests before a name give what their regex searched over the window gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.actors._shared import HONORIFIC_LOOKBACK, SAID_LOOKBACK, SPEECH_LOOKBACK
from streams.core.actors.names import (
    _SPEECH_BEFORE,
    _SPEECH_BEFORE_LAST,
    HONORIFIC,
    cue_before,
    honorific_before,
)
from streams.core.actors.persons import _SAID_BEFORE, _SAID_WORDS

# Words of the cues and what stands around them: spacing of every kind,
# brackets and quotes glued to a word, letters of other scripts.
PIECES = ["Mr", "Mrs", "Gen.", "Sgt. Maj", "H.E", "HE", "Dame", "said", "says", "according",
          "to", "by", "and", "asked", "added", "the", "The", "Smith", "x", "A", "abc", "(", ")",
          '"', "-", "'", ",", ".", "é", "Ж", "_", "7"]  # fmt: skip
SPACING = ["", " ", "  ", "\t", "\n", " \n "]
TEXTS = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SPACING)),
                 max_size=12).map(lambda parts: "".join(w + s for w, s in parts))


def test_cue_word_lists_match_the_patterns() -> None:
    assert _SPEECH_BEFORE.pattern == (
        r"\b(?:said|says|told|warned|according\s+to|by|with|met|and|called|urged)\s+$")
    assert _SAID_BEFORE.pattern == r"\b(?:said|says|asked|added)\s+$"


def test_every_honorific_is_capitalised() -> None:
    alternatives = HONORIFIC.pattern.split("(?:", 1)[1].split(")", 1)[0].split("|")
    assert len(alternatives) > 30
    assert all(not word.islower() for word in alternatives)


def test_examples() -> None:
    text = "said Mr Smith, according to (Gen. Jones, the Smith"
    assert honorific_before(text, text.index("Smith"))
    assert honorific_before(text, text.index("Jones"))
    assert not honorific_before(text, text.rindex("Smith"))
    assert cue_before(_SAID_BEFORE, _SAID_WORDS, text, text.index("Mr"), SAID_LOOKBACK)
    assert not cue_before(_SAID_BEFORE, _SAID_WORDS, text, text.index("Smith"), SAID_LOOKBACK)
    assert cue_before(_SPEECH_BEFORE, _SPEECH_BEFORE_LAST, text, text.index("(Gen"),
                      SPEECH_LOOKBACK)
    assert not honorific_before("", 0)
    assert not cue_before(_SAID_BEFORE, _SAID_WORDS, "Smith", 0, SAID_LOOKBACK)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_same_as_the_search(text: str) -> None:
    for start in range(len(text) + 1):
        assert honorific_before(text, start) == bool(
            HONORIFIC.search(text, max(0, start - HONORIFIC_LOOKBACK), start))
        speech = cue_before(_SPEECH_BEFORE, _SPEECH_BEFORE_LAST, text, start, SPEECH_LOOKBACK)
        assert speech == bool(_SPEECH_BEFORE.search(text, max(0, start - SPEECH_LOOKBACK), start))
        assert cue_before(_SAID_BEFORE, _SAID_WORDS, text, start, SAID_LOOKBACK) == bool(
            _SAID_BEFORE.search(text, max(0, start - SAID_LOOKBACK), start))
