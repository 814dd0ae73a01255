"""Tests for the naive reference systems of ``escwatch eval``."""

from __future__ import annotations

import importlib.util

import pytest

from streams.evaluation.baselines import (
    CONFLICT_KEYWORDS,
    COOPERATION_KEYWORDS,
    KeywordMatcher,
    load_spacy_actors,
)

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "DEMAND",
    "DISAPPROVE", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE",
    "ASSAULT", "FIGHT", "INVESTIGATE",
}  # fmt: skip


@pytest.fixture(scope="module")
def matcher() -> KeywordMatcher:
    return KeywordMatcher()


class TestKeywordTable:
    def test_sizes_stay_plain(self) -> None:
        """The table stays a small naive anchor: about 40 conflict and 20 cooperation rows."""
        assert 35 <= len(CONFLICT_KEYWORDS) <= 50
        assert 15 <= len(COOPERATION_KEYWORDS) <= 25

    def test_every_row_maps_to_a_plover_type(self) -> None:
        """Each keyword maps to a PLOVER event type."""
        assert {t for _, t in CONFLICT_KEYWORDS + COOPERATION_KEYWORDS} <= PLOVER_TYPES


class TestKeywordMatcher:
    def test_conflict_keyword_is_escalation(self, matcher: KeywordMatcher) -> None:
        """An inflected conflict verb matches with its type, polarity and offsets."""
        text = "Gunmen attacked a convoy outside the town."
        (hit,) = matcher.match(text)
        assert (hit.type, hit.polarity, hit.trigger) == ("ASSAULT", "escalation", "attacked")
        assert text[hit.start : hit.end] == "attacked"

    def test_cooperation_keywords_in_text_order(self, matcher: KeywordMatcher) -> None:
        """Several keywords come back in text order with de-escalation polarity."""
        hits = matcher.match("The neighbours agreed to resume talks and send aid.")
        assert [(h.type, h.polarity) for h in hits] == [
            ("AGREE", "de-escalation"),
            ("CONSULT", "de-escalation"),
            ("AID", "de-escalation"),
        ]

    def test_case_insensitive(self, matcher: KeywordMatcher) -> None:
        """Capitalised keywords at the start of a headline still match."""
        assert [h.type for h in matcher.match("Sanctions tightened on exporters")] == ["SANCTION"]

    def test_word_boundaries(self, matcher: KeywordMatcher) -> None:
        """Keywords inside longer words (warrant, aide, peaceful-less stems) do not fire."""
        assert matcher.match("A warrant was served on the senior aide in Warsaw.") == ()

    def test_no_keyword_no_hit(self, matcher: KeywordMatcher) -> None:
        """A sentence without conflict or cooperation words yields nothing."""
        assert matcher.match("The weather in the capital was mild on Tuesday.") == ()

    def test_negation_is_not_understood(self, matcher: KeywordMatcher) -> None:
        """The baseline is naive by design: a denied attack still reads as an attack."""
        (hit,) = matcher.match("The ministry said it would not attack anyone.")
        assert hit.polarity == "escalation"


class TestSpacyPeer:
    @pytest.mark.skipif(
        importlib.util.find_spec("spacy") is not None, reason="spaCy is installed here"
    )
    def test_missing_spacy_gives_a_reason(self) -> None:
        """Without spaCy the loader returns a one-line skip reason instead of raising."""
        assert load_spacy_actors() == "spaCy not installed: skipped"

    def test_missing_model_gives_a_reason(self) -> None:
        """An unknown model name yields a reason string, never an exception."""
        result = load_spacy_actors("no_such_model_xyz")
        assert isinstance(result, str)
        assert "skipped" in result
