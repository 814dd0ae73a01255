"""The lexicon: row validation, inflection and the packaged rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.core.knowledge import KnowledgeBase
from streams.core.lexicon import Lexicon, LexiconError, inflect, lower_keep_length, token_forms
from streams.core.signals import SignalDetector
from streams.core.text import Sentences

DATA = Path(__file__).resolve().parents[2] / "streams" / "knowledge" / "data"


def rows(name: str) -> list[dict[str, Any]]:
    """Read the packaged rows of ``name``.jsonl."""
    out = []
    for line in (DATA / f"{name}.jsonl").read_bytes().splitlines():
        if line.strip() and not line.strip().startswith(b"#"):
            out.append(orjson.loads(line))
    return out


PACKAGED = SignalDetector(KnowledgeBase.from_rows(
    countries=[], organisations=[], persons=[], titles=[],
    signals=rows("signals"), modality=rows("modality")))


def first(text: str) -> tuple[str, str, str] | None:
    """Return (type, polarity, modality) of the first packaged signal in ``text``."""
    sigs = PACKAGED.detect(text, Sentences.of(text), (), None)
    return (sigs[0].type, sigs[0].polarity, sigs[0].modality) if sigs else None


GOOD = {"id": "x", "type": "ASSAULT", "polarity": "escalation", "severity": -9,
        "patterns": ["<attack>"]}


class TestValidation:
    def test_empty_lexicon_is_valid(self) -> None:
        """No rows make an empty lexicon without an automaton."""
        lexicon = Lexicon.from_rows([], [])
        assert lexicon.rules == ()
        assert lexicon.automaton is None

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"polarity": "up"}, "polarity"),
            ({"severity": 5}, "severity"),
            ({"severity": "high"}, "severity"),
            ({"type": "assault"}, "type"),
            ({"patterns": []}, "patterns"),
            ({"patterns": ["... attack"]}, "must start"),
            ({"patterns": ["attack ...x troops"]}, "bad gap"),
        ],
    )
    def test_bad_row_names_its_id(self, change: dict[str, Any], message: str) -> None:
        """A malformed row raises LexiconError naming the row id."""
        with pytest.raises(LexiconError, match=message) as info:
            Lexicon.from_rows([{**GOOD, **change}], [])
        assert str(info.value).startswith("x:")

    def test_duplicate_id_rejected(self) -> None:
        """Two rows with one id are an error."""
        with pytest.raises(LexiconError, match="duplicate"):
            Lexicon.from_rows([GOOD, GOOD], [])

    def test_bad_modality_row(self) -> None:
        """A modality row with an unknown modality names its id."""
        with pytest.raises(LexiconError, match=r"^m1:"):
            Lexicon.from_rows([], [{"id": "m1", "modality": "maybe", "cues": ["may"]}])

    def test_lexicon_error_is_value_error(self) -> None:
        """The loader catches lexicon errors as ValueError."""
        assert issubclass(LexiconError, ValueError)


class TestInflection:
    def test_regular_verb(self) -> None:
        """A regular verb gets its -s, -ed and -ing forms."""
        assert {"deploy", "deploys", "deployed", "deploying"} <= inflect("deploy")

    def test_silent_e_and_doubling(self) -> None:
        """Silent e drops before -ing; a final consonant doubles after a short vowel."""
        assert {"seized", "seizing"} <= inflect("seize")
        assert {"banned", "banning"} <= inflect("ban")

    def test_british_and_american(self) -> None:
        """-ise and -ize spellings both match."""
        assert {"mobilised", "mobilized", "mobilising", "mobilizing"} <= inflect("mobilise")
        assert {"criticize", "criticise"} <= token_forms("<criticize>")

    def test_curly_apostrophe(self) -> None:
        """A cue with an apostrophe also matches the typographic one."""
        assert "didn\u2019t" in token_forms("didn't")

    def test_lowering_keeps_length(self) -> None:
        """Lower-casing never changes offsets."""
        assert len(lower_keep_length("İSTANBUL")) == len("İSTANBUL")


class TestPackagedLexicon:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("The ministry said it had deployed additional troops near the border.",
             ("MOBILIZE", "escalation", "asserted")),
            ("The air force was put on high alert.", ("MOBILIZE", "escalation", "asserted")),
            ("The government imposed sanctions on the bank.",
             ("SANCTION", "escalation", "asserted")),
            ("Police arrested dozens of demonstrators.", ("COERCE", "escalation", "asserted")),
            ("The foreign minister condemned the decision.",
             ("DISAPPROVE", "escalation", "asserted")),
            ("The two governments agreed to a ceasefire.",
             ("AGREE", "de-escalation", "asserted")),
            ("The leaders held talks in the capital.", ("CONSULT", "de-escalation", "asserted")),
            ("The army began withdrawing from the region.",
             ("RETREAT", "de-escalation", "asserted")),
            ("The authorities lifted the curfew.", ("CONCEDE", "de-escalation", "asserted")),
            ("The donors delivered humanitarian aid to the region.",
             ("AID", "de-escalation", "asserted")),
            ("The government supplied ammunition and tanks to the army.",
             ("AID", "escalation", "asserted")),
        ],
    )
    def test_common_statements(self, text: str, expected: tuple[str, str, str]) -> None:
        """Common news statements map to their PLOVER type."""
        assert first(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "The company launched a new product line this spring.",
            "The club fired its coach after the defeat.",
            "Engineers deployed the update to every server.",
            "The striker's attack down the left won the match.",
        ],
    )
    def test_other_senses_do_not_fire(self, text: str) -> None:
        """Business, sports and software senses of trigger words are not signals."""
        assert first(text) is None

    def test_avoid_provoking_is_never_escalation(self) -> None:
        """"careful to avoid provoking" gives only de-escalation signals."""
        text = "The government has been careful to avoid provoking its neighbour."
        sigs = PACKAGED.detect(text, Sentences.of(text), (), None)
        assert sigs
        assert all(s.polarity == "de-escalation" for s in sigs)

    def test_stated_intent_to_blockade_is_threat(self) -> None:
        """A stated intent to take a conflict action is coded THREATEN (PLOVER)."""
        assert first("The farmers said they would blockade the port.") == (
            "THREATEN", "escalation", "hypothetical")
