"""Modality cues and their scope."""

from __future__ import annotations

import pytest

from streams.core.lexicon import Lexicon, lower_keep_length
from streams.core.modality import (
    ModalityResult,
    assess_modality,
    clause_start,
    find_cues,
    sentence_cues,
)
from tests.unit.core.packaged import TRANSPARENT, VOCABULARY

ROWS = [
    {"id": "neg.restraint", "modality": "negated", "flip": True, "cues": ["<avoid>"]},
    {"id": "neg.not", "modality": "negated", "window": 4, "cues": ["not", "never"]},
    {"id": "cond.if", "modality": "conditional", "scope": "sentence", "window": 10,
     "cues": ["if", "unless", "provided that"]},
    {"id": "hyp.modal", "modality": "hypothetical", "window": 6,
     "cues": ["may", "might", "could", "<consider>"]},
    {"id": "fut.will", "modality": "future", "window": 5, "intent": True,
     "cues": ["will", "<be> set to", "next week"]},
    {"id": "neg.halt", "modality": "negated", "window": 4, "halt": True,
     "cues": ["<suspend>", "<call> off"]},
    {"id": "neg.deny", "modality": "negated", "scope": "complement", "window": 12,
     "denial": True, "cues": ["<deny> that", "<dismiss> ...2 <claim>"]},
]
LEXICON = Lexicon.from_rows([], ROWS, VOCABULARY.irregular, TRANSPARENT)


def modality_of(text: str, trigger: str) -> tuple[str, str | None]:
    """Return the modality and cue of ``trigger`` in one-sentence ``text``."""
    start = text.index(trigger)
    result = assess_modality(LEXICON, text, lower_keep_length(text), (0, len(text)),
                             (start, start + len(trigger)))
    return result.modality, result.cue


class TestScope:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Rebels shelled the city.", ("asserted", None)),
            ("Rebels might shell the city.", ("hypothetical", "might")),
            ("The cabinet is considering sanctions.", ("hypothetical", "considering")),
            ("The army is set to invade.", ("future", "is set to")),
            ("Ministers will meet.", ("future", "will")),
            ("If talks fail, rebels will shell the city.", ("conditional", "If")),
            ("Rebels will shell the city unless talks resume.", ("conditional", "unless")),
            ("Aid flows provided that the road stays open.", ("conditional", "provided that")),
            ("Rebels did not shell the city.", ("negated", "not")),
            ("Rebels have never shelled the city.", ("negated", "never")),
        ],
    )
    def test_cue_sets_modality(self, text: str, expected: tuple[str, str | None]) -> None:
        """A cue that precedes its trigger in the clause sets the modality."""
        trigger = next(w for w in ("shell", "sanctions", "invade", "meet", "flows")
                       if w in text)
        assert modality_of(text, trigger) == expected

    def test_negation_after_trigger_does_not_count(self) -> None:
        """A negation after the trigger (in an if-clause) does not negate it."""
        text = "Allies may deploy troops if guarantees are not provided."
        assert modality_of(text, "deploy") == ("conditional", "if")

    def test_cue_beyond_clause_boundary_does_not_count(self) -> None:
        """A modal in an earlier clause does not reach the trigger."""
        assert modality_of("Some may doubt it, but rebels shelled the city.", "shelled") == (
            "asserted", None)

    def test_cue_too_far_does_not_count(self) -> None:
        """A negation many words before the trigger is out of scope."""
        text = "Not a single one of the many tired and hungry rebels shelled the city."
        assert modality_of(text, "shelled")[0] == "asserted"

    def test_negation_outranks_future(self) -> None:
        """Where negation and future both govern, the statement is negated."""
        assert modality_of("Rebels will not shell the city.", "shell")[0] == "negated"

    def test_restraint_cue_flips(self) -> None:
        """A restraint cue marks the result for flipping."""
        text = "They avoid provoking the neighbour."
        start = text.index("provoking")
        result = assess_modality(LEXICON, text, text.lower(), (0, len(text)), (start, start + 9))
        assert result.flip
        assert result.modality == "negated"

    def test_future_cue_states_intent(self) -> None:
        """A future cue marked as intent says so."""
        text = "Rebels will shell the city."
        start = text.index("shell")
        result = assess_modality(LEXICON, text, text.lower(), (0, len(text)), (start, start + 5))
        assert result.intent

    def test_clause_start_after_comma(self) -> None:
        """A clause starts after the last boundary before the offset."""
        text = "If it rains, we stay."
        assert text[clause_start(text, 0, text.index("stay")):].strip() == "we stay."


def result_of(text: str, trigger: str) -> ModalityResult:
    """Return the whole modality result of ``trigger`` in one-sentence ``text``."""
    start = text.index(trigger)
    return assess_modality(LEXICON, text, lower_keep_length(text), (0, len(text)),
                           (start, start + len(trigger)))


class TestIntentAndHalt:
    def test_intent_survives_a_stronger_cue(self) -> None:
        """"will withdraw ... unless": conditional modality, intent kept."""
        r = result_of("Rebels will withdraw unless talks resume.", "withdraw")
        assert (r.modality, r.intent) == ("conditional", True)

    def test_halt_reaches_over_its_object(self) -> None:
        """A halting verb governs an act in its object noun phrase."""
        r = result_of("The state suspended part of its aid programme.", "aid")
        assert (r.modality, r.halt) == ("negated", True)

    def test_negation_reaches_the_act_a_noun_phrase_names(self) -> None:
        """"was not an act of terrorism" denies the act; "not" before another noun of the
        phrase does not ("not the cause of the attack")."""
        assert modality_of("The shooting was not an act of terrorism.", "terrorism")[0] == (
            "negated")
        assert modality_of("It was not the cause of the attack.", "attack")[0] == "asserted"

    def test_plain_negation_does_not_reach_over_nouns(self) -> None:
        """"not" does not reach a trigger behind an unrelated noun phrase."""
        assert modality_of("Guarantees were not given at the summit.", "summit")[0] == (
            "asserted")


class TestCueScan:
    def test_one_scan_equals_per_sentence_scan(self) -> None:
        """Cues found once for the text equal cues found per sentence."""
        text = "Rebels may attack. If talks fail, the army will not withdraw next week."
        low = lower_keep_length(text)
        found = find_cues(LEXICON, low)
        for span in ((0, 18), (19, len(text))):
            assert sentence_cues(LEXICON, low, span, found) == sentence_cues(LEXICON, low, span)

    def test_cues_are_whole_words(self) -> None:
        """A cue inside a longer word ("knot") is not a cue."""
        assert find_cues(LEXICON, "the knot will hold") == [(9, 13, 4)]


class TestComplementScope:
    def test_denial_reaches_into_its_that_clause(self) -> None:
        """A denial governs a trigger deep in its complement clause."""
        assert modality_of("They denied that the army plans to deploy troops.", "deploy") == (
            "negated", "denied that")

    def test_denial_result_is_marked(self) -> None:
        """The result says a report was denied, so callers never flip it."""
        assert result_of("They dismissed claims that troops attacked.", "attacked").denial

    def test_denial_stops_at_a_new_clause(self) -> None:
        """", but" opens another statement the denial does not govern."""
        assert modality_of("They denied that story, but then troops attacked.",
                           "attacked")[0] == "asserted"

    def test_denial_has_a_reach(self) -> None:
        """A trigger beyond the window is not governed."""
        text = ("They denied that " + "word " * 14 + "attacked.")
        assert modality_of(text, "attacked")[0] == "asserted"


class TestSpeechActScope:
    def test_trailing_if_does_not_govern_speech_act(self) -> None:
        """A speech act is asserted even when an if-clause follows it."""
        text = "They threatened to respond if the drills go ahead."
        start = text.index("threatened")
        result = assess_modality(LEXICON, text, lower_keep_length(text), (0, len(text)),
                                 (start, start + 10), speech_act=True)
        assert result.modality == "asserted"

    def test_leading_if_still_governs_speech_act(self) -> None:
        """An if-clause before the speech act conditions it."""
        text = "If the drills go ahead, they will protest."
        start = text.index("protest")
        result = assess_modality(LEXICON, text, lower_keep_length(text), (0, len(text)),
                                 (start, start + 7), speech_act=True)
        assert result.modality == "conditional"
