"""Naive reference systems that ``escwatch eval`` reports beside the core.

Two anchors, both deliberately plain so the figures mean something:

* :class:`KeywordMatcher` — one compiled regex over ~40 common conflict and
  ~20 common cooperation keywords, each mapped to one PLOVER type and a
  polarity. No modality, no actors, no context. It stands for "a newsroom
  keyword alert" and was written from general news vocabulary, not tuned on
  any evaluation data.
* :class:`SpacyActors` — spaCy's small English NER (``en_core_web_sm``) as an
  actor peer. spaCy is an optional dependency: it is imported lazily and
  :func:`load_spacy_actors` returns the reason instead when it is missing.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CONFLICT_KEYWORDS",
    "COOPERATION_KEYWORDS",
    "SPACY_LABELS",
    "KeywordHit",
    "KeywordMatcher",
    "NamedSpan",
    "SpacyActors",
    "load_spacy_actors",
]

# (regex alternative, PLOVER type). Alternatives carry their own inflection
# endings; matching is case-insensitive on word boundaries.
CONFLICT_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"attack(?:s|ed|ing)?", "ASSAULT"),
    (r"wars?", "FIGHT"),
    (r"troops?", "MOBILIZE"),
    (r"sanction(?:s|ed|ing)?", "SANCTION"),
    (r"threat(?:s|en|ens|ened|ening)?", "THREATEN"),
    (r"strikes?", "ASSAULT"),
    (r"airstrikes?", "ASSAULT"),
    (r"bomb(?:s|ed|ing|ings)?", "ASSAULT"),
    (r"invade[sd]?|invading|invasion", "FIGHT"),
    (r"kill(?:s|ed|ing)?", "ASSAULT"),
    (r"clash(?:es|ed|ing)?", "FIGHT"),
    (r"missiles?", "FIGHT"),
    (r"shell(?:ed|ing)", "FIGHT"),
    (r"fight(?:s|ing)?|fought", "FIGHT"),
    (r"battles?", "FIGHT"),
    (r"protest(?:s|ed|ing|ers)?", "PROTEST"),
    (r"demonstrat(?:ion|ions|ors)", "PROTEST"),
    (r"riots?", "PROTEST"),
    (r"arrest(?:s|ed|ing)?", "COERCE"),
    (r"detain(?:s|ed|ing)?", "COERCE"),
    (r"expel(?:s|led|ling)?", "COERCE"),
    (r"seize[sd]?|seizing", "COERCE"),
    (r"coup", "COERCE"),
    (r"accuse[sd]?|accusing", "DISAPPROVE"),
    (r"condemn(?:s|ed|ing)?", "DISAPPROVE"),
    (r"critici[sz]e[sd]?|critici[sz]ing", "DISAPPROVE"),
    (r"denounce[sd]?|denouncing", "DISAPPROVE"),
    (r"reject(?:s|ed|ing)?", "REJECT"),
    (r"refuse[sd]?|refusing", "REJECT"),
    (r"demand(?:s|ed|ing)?", "DEMAND"),
    (r"warn(?:s|ed|ing)?", "THREATEN"),
    (r"ultimatum", "THREATEN"),
    (r"mobili[sz](?:e|es|ed|ing|ation)", "MOBILIZE"),
    (r"deploy(?:s|ed|ing|ment)?", "MOBILIZE"),
    (r"blockade", "FIGHT"),
    (r"embargo", "SANCTION"),
    (r"boycott(?:s|ed)?", "SANCTION"),
    (r"siege", "FIGHT"),
    (r"raid(?:s|ed)?", "ASSAULT"),
    (r"shoot(?:s|ing)?|shot", "ASSAULT"),
    (r"ambush(?:ed)?", "ASSAULT"),
    (r"explosions?", "ASSAULT"),
    (r"terroris[tm]s?", "ASSAULT"),
    (r"hostages?", "ASSAULT"),
    (r"violence", "ASSAULT"),
    (r"investigat(?:e|es|ed|ing|ion)", "INVESTIGATE"),
)

COOPERATION_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"agree(?:s|d|ment|ments)?", "AGREE"),
    (r"accords?", "AGREE"),
    (r"treaty", "AGREE"),
    (r"pact", "AGREE"),
    (r"cease-?fire", "AGREE"),
    (r"truce", "AGREE"),
    (r"peace", "AGREE"),
    (r"talks", "CONSULT"),
    (r"negotiat(?:e|es|ed|ing|ion|ions)", "CONSULT"),
    (r"summit", "CONSULT"),
    (r"dialogue", "CONSULT"),
    (r"visit(?:s|ed)?", "CONSULT"),
    (r"aid", "AID"),
    (r"assistance", "AID"),
    (r"donat(?:e|es|ed|ion)", "AID"),
    (r"cooperat(?:e|es|ed|ing|ion)", "COOPERATE"),
    (r"support(?:s|ed)?", "SUPPORT"),
    (r"welcome[sd]?", "SUPPORT"),
    (r"praise[sd]?", "SUPPORT"),
    (r"withdr(?:aw|aws|awn|ew|awal)", "RETREAT"),
    (r"release[sd]?", "CONCEDE"),
)

_POLARITY = {"escalation": CONFLICT_KEYWORDS, "de-escalation": COOPERATION_KEYWORDS}


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """One keyword the baseline matched.

    Attributes:
        type: PLOVER type the keyword maps to.
        polarity: "escalation" or "de-escalation".
        trigger: The matched text.
        start: Offset of the first character.
        end: Offset one past the last character.
    """

    type: str
    polarity: str
    trigger: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NamedSpan:
    """One entity span from a named-entity recogniser.

    Attributes:
        start: Offset of the first character.
        end: Offset one past the last character.
        label: The recogniser's own label, e.g. "PERSON".
    """

    start: int
    end: int
    label: str


class KeywordMatcher:
    """The plain conflict/cooperation keyword matcher.

    All keywords are compiled into one alternation with a named group per
    keyword, so a text is scanned once and the group name says which row
    fired.
    """

    def __init__(self) -> None:
        """Compile the keyword table into one regex."""
        parts: list[str] = []
        self._rows: dict[str, tuple[str, str]] = {}
        for polarity, table in _POLARITY.items():
            for alternative, plover in table:
                name = f"k{len(self._rows)}"
                self._rows[name] = (plover, polarity)
                parts.append(f"(?P<{name}>{alternative})")
        self._pattern = re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)

    def match(self, text: str) -> tuple[KeywordHit, ...]:
        """Return every keyword occurrence in ``text`` in text order."""
        hits: list[KeywordHit] = []
        for found in self._pattern.finditer(text):
            name = found.lastgroup
            if name is None:  # pragma: no cover - every alternative is a named group
                continue
            plover, polarity = self._rows[name]
            hits.append(KeywordHit(plover, polarity, found.group(), found.start(), found.end()))
        return tuple(hits)


# spaCy label -> the re3d-style gold types a span of that label may match.
SPACY_LABELS: dict[str, frozenset[str]] = {
    "PERSON": frozenset({"Person"}),
    "ORG": frozenset({"Organisation"}),
    "NORP": frozenset({"Nationality"}),
    "GPE": frozenset({"Location"}),
}


class SpacyActors:
    """spaCy small English NER restricted to actor-like labels."""

    def __init__(self, nlp: Any) -> None:
        """Wrap a loaded spaCy pipeline.

        Args:
            nlp: The object ``spacy.load("en_core_web_sm")`` returns.
        """
        self._nlp = nlp

    def extract(self, text: str) -> tuple[NamedSpan, ...]:
        """Return PERSON, ORG, NORP and GPE spans found in ``text``."""
        doc = self._nlp(text)
        return tuple(
            NamedSpan(ent.start_char, ent.end_char, ent.label_)
            for ent in doc.ents
            if ent.label_ in SPACY_LABELS
        )


def load_spacy_actors(model: str = "en_core_web_sm") -> SpacyActors | str:
    """Load spaCy and its small English model, or say why not.

    spaCy is optional and heavy, so it is imported only here.

    Args:
        model: The spaCy package name of the model.

    Returns:
        A ready :class:`SpacyActors`, or a one-line reason it is unavailable.
    """
    try:
        spacy = importlib.import_module("spacy")
    except ImportError:
        return "spaCy not installed: skipped"
    try:
        # Only NER is needed; the parser and lemmatizer cost time for nothing.
        nlp = spacy.load(model, disable=["parser", "lemmatizer", "tagger", "attribute_ruler"])
    except (OSError, ImportError) as exc:
        return f"spaCy model {model} not installed: skipped ({exc.__class__.__name__})"
    return SpacyActors(nlp)
