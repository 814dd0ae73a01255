"""The systems under evaluation: the escwatch core and the baselines, each a text to
:class:`Prediction` function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from streams.errors import ConfigError
from streams.evaluation.baselines import (
    SPACY_LABELS,
    KeywordMatcher,
    SpacyActors,
)
from streams.evaluation.datasets import ACTOR_TYPE_TO_GOLD

__all__ = ["PredSignal", "PredSpan", "Prediction", "System"]

@dataclass(frozen=True, slots=True)
class PredSignal:
    """A predicted signal, reduced to what is scored.

    Attributes:
        type: PLOVER type.
        polarity: "escalation" or "de-escalation".
        start: Trigger start offset.
        end: Trigger end offset.
        modality: Predicted modality, or None for systems without modality.
        political: False when the system keeps the signal but says it lacks
            political agency (it then counts neither toward alerts nor as an
            escalation signal among the hard negatives).
        flipped: True when the signal recodes a negated statement as what it
            means ("did not concede" is REJECT, "avoided provoking" is
            CONCEDE): the trigger's event is negated, reported as its flip.
    """

    type: str
    polarity: str
    start: int
    end: int
    modality: str | None = None
    political: bool = True
    flipped: bool = False


@dataclass(frozen=True, slots=True)
class PredSpan:
    """A predicted actor span.

    Attributes:
        start: Offset of the first character.
        end: Offset one past the last character.
        types: Gold types this prediction may stand for.
    """

    start: int
    end: int
    types: frozenset[str]


@dataclass(frozen=True, slots=True)
class Prediction:
    """What one system says about one record.

    Attributes:
        signals: Predicted signals, or None for systems that find none.
        spans: Predicted actor spans, or None for systems that find none.
        alert: Whether the system would alert on the text, or None for
            systems that make no alert decision.
        level: The alert level, or None (no alert, or no levels).
    """

    signals: tuple[PredSignal, ...] | None = None
    spans: tuple[PredSpan, ...] | None = None
    alert: bool | None = None
    level: str | None = None


@dataclass(frozen=True, slots=True)
class System:
    """A system under evaluation.

    Attributes:
        name: Column name in the report.
        predict: Text, event time and headline in, prediction out.
        signals: Whether the system finds signals.
        actors: Whether the system finds actor spans.
        modality: Whether its signals carry modality.
        alerts: Whether it makes an alert decision per text.
        levels: Whether its alerts carry a level.
    """

    name: str
    predict: Callable[[str, str | None, str | None], Prediction]
    signals: bool
    actors: bool
    modality: bool
    alerts: bool = False
    levels: bool = False


# --------------------------------------------------------------------- systems


def escwatch_system() -> System | str:
    """Build the core as a system, or say why it cannot run."""
    try:
        from streams.core.analyze import Analyzer
        from streams.core.model import Article
        from streams.knowledge.loader import load_knowledge
    except ImportError as exc:
        return f"escwatch core not importable ({exc}): skipped"
    try:
        analyzer = Analyzer(load_knowledge())
    except ConfigError as exc:
        return f"escwatch knowledge not loadable ({exc}): skipped"

    def predict(text: str, published_at: str | None, title: str | None = None) -> Prediction:
        analysis = analyzer.analyze(Article(id="eval", text=text, published_at=published_at,
                                            title=title or ""))
        signals = tuple(
            PredSignal(s.type, s.polarity, s.start, s.end, s.modality, s.political,
                       s.rule.endswith(("!negated", "!restrained")))
            for s in analysis.signals
        )
        spans = tuple(
            PredSpan(a.start, a.end, ACTOR_TYPE_TO_GOLD.get(a.type, frozenset()))
            for a in analysis.actors
        )
        alert = analysis.alert
        return Prediction(
            signals, spans, alert=alert is not None, level=alert.level if alert else None
        )

    return System(
        "escwatch", predict, signals=True, actors=True, modality=True, alerts=True, levels=True
    )


def keyword_system() -> System:
    matcher = KeywordMatcher()

    def predict(text: str, published_at: str | None, title: str | None = None) -> Prediction:
        hits = matcher.match(text)
        return Prediction(
            signals=tuple(PredSignal(h.type, h.polarity, h.start, h.end) for h in hits),
            alert=any(h.polarity == "escalation" for h in hits),
        )

    # The naive anchor alerts on any conflict keyword; it has no levels.
    return System(
        "keyword", predict, signals=True, actors=False, modality=False, alerts=True, levels=False
    )


def spacy_system(actors: SpacyActors) -> System:
    def predict(text: str, published_at: str | None, title: str | None = None) -> Prediction:
        spans = tuple(PredSpan(s.start, s.end, SPACY_LABELS[s.label]) for s in actors.extract(text))
        return Prediction(spans=spans)

    return System("spacy-sm", predict, signals=False, actors=True, modality=False)
