"""``escwatch eval``: score the analysis core on labelled JSONL, baselines beside it.

This is an edge module (file reading, timing, printing); the scoring itself is
a set of pure functions over (gold, predicted) values so it can be tested on
hand-made cases.

Input formats (one JSON object per line, blank lines skipped; ``--format auto``
decides per file from the first record):

``plover``
    PLOVER gold-standard records: ``labels.event`` (PLOVER type) and
    ``labels.derived_polarity`` (``*_conflict`` -> escalation,
    ``*_cooperation`` -> de-escalation).
``petrarch``
    PETRARCH-2 unit-test records: ``labels.expected_events`` with CAMEO
    ``event_code``. The code's two-digit root gives polarity (01-05 verbal
    cooperation, 06-08 material cooperation: de-escalation; 09-13 verbal
    conflict, 14-20 material conflict: escalation) and a PLOVER type (see
    :data:`CAMEO_TO_PLOVER`; 01 "make statement" and roots outside 01-20,
    which PETRARCH's tests use as test-only codes, are skipped). A record
    with no expected events is a negative; one whose events were all
    skipped is left out of the event scores.
``re3d``
    re3d documents: ``labels.entities`` with character offsets
    (``start``, ``end``, ``type``).
``escwatch`` (project-native)
    ``{"id": str, "text": str, "published_at": str?, "labels": {"events":
    [{"type": PLOVER type?, "polarity": "escalation"|"de-escalation",
    "modality": "asserted"|"hypothetical"|"conditional"|"negated"|"future"?}],
    "entities": [{"start": int, "end": int, "type": "Person"|"Organisation"|
    "Nationality"|"Location"}]}}``. ``events: []`` marks a sentence with no
    signal (a negative); a record without ``events`` is not scored for
    events. Entity offsets index ``text`` as given (plain text, no markup).
``devnews``
    Ordinary news labelled for precision (``tests/data/devnews.jsonl``):
    ``labels.domain`` (one of :data:`NEWS_DOMAINS`), ``labels.should_alert``
    and ``labels.level`` (null or an alert level), optionally
    ``labels.hard_negative`` with ``labels.kind``, and a top-level ``split``.
    Scored: alert rate, alert precision and recall and critical rate per
    domain, the confusion of predicted and labelled level, hard negatives
    per kind, and the precision targets (:data:`NEWS_TARGETS`).

Definitions (the signal rules are tuned toward these; keep them stable):

* The *primary* predicted signal of a record is the first signal in text
  order; a tie on position goes to the longer trigger.
* Predicted polarity and type are the primary signal's. A record with no
  signal is a false negative for its gold polarity and gold type.
* Records with several gold events (PETRARCH, native) are scored as
  single-label: if the primary prediction equals one of the gold labels that
  label is the gold, otherwise the first gold event's label is.
* Per-label P/R/F1 count one decision per record; macro-F1 is the mean F1
  over the gold labels present (types), or over the polarities present.
* Spans: *exact* means equal offsets; *overlap* means a gold span is
  recalled when any predicted span overlaps it and a predicted span is
  correct when it overlaps any evaluated gold span. The overall figure is
  untyped over gold Person, Organisation, Nationality; per-type figures
  compare only predictions that can stand for that type; the ``+Location``
  variant also lets gold Location spans count (for country/government
  actors).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import orjson

from streams.baselines import SPACY_LABELS, KeywordMatcher, SpacyActors, load_spacy_actors
from streams.core.domain import DOMAINS
from streams.errors import ConfigError

__all__ = [
    "ACTOR_TYPE_TO_GOLD",
    "CAMEO_TO_PLOVER",
    "FORMATS",
    "HARD_NEGATIVE_KINDS",
    "NEWS_DOMAINS",
    "NEWS_LEVELS",
    "NEWS_TARGETS",
    "Dataset",
    "GoldEvent",
    "GoldSpan",
    "NewsLabel",
    "PredSignal",
    "PredSpan",
    "Prediction",
    "Record",
    "Score",
    "SpanScore",
    "System",
    "cameo_polarity",
    "cameo_to_plover",
    "detect_format",
    "evaluate_dataset",
    "evaluate_events",
    "evaluate_news",
    "evaluate_spans",
    "harmonic_mean",
    "label_scores",
    "macro_f1",
    "main",
    "modality_accuracy",
    "pick_gold",
    "primary_signal",
    "read_dataset",
    "score",
    "select_split",
    "span_score",
]

FORMATS: tuple[str, ...] = ("plover", "petrarch", "re3d", "escwatch", "devnews")
NEWS_DOMAINS: tuple[str, ...] = DOMAINS
NEWS_LEVELS: tuple[str, ...] = ("none", "low", "medium", "high", "critical")
HARD_NEGATIVE_KINDS: tuple[str, ...] = (
    "figurative",
    "sport",
    "science_technology",
    "crime",
    "non_event",
)
# (name, what is measured, comparison, bound): the precision targets of the
# ordinary-news work. "alert_rate:D" is alerts / articles of domain D,
# "critical_rate:D" the same for critical alerts, "recall:D" alerts among
# the articles of D labelled should_alert, "signal_rate:K" hard negatives of
# kind K with any escalation signal.
NEWS_TARGETS: tuple[tuple[str, str, str, float], ...] = (
    ("sport alerts", "alert_rate:sport", "<=", 0.01),
    ("business alerts", "alert_rate:business", "<=", 0.01),
    ("science/technology alerts", "alert_rate:science_technology", "<=", 0.01),
    ("sport critical", "critical_rate:sport", "<=", 0.001),
    ("business critical", "critical_rate:business", "<=", 0.001),
    ("science/technology critical", "critical_rate:science_technology", "<=", 0.001),
    ("crime alerts", "alert_rate:crime", "<=", 0.10),
    ("disaster alerts", "alert_rate:disaster", "<=", 0.10),
    ("conflict detection", "recall:politics_conflict", ">=", 0.95),
    ("non-event mentions with a signal", "signal_rate:non_event", "<=", 0.15),
)
ACTOR_GOLD_TYPES: tuple[str, ...] = ("Person", "Organisation", "Nationality")
LOCATION_VARIANT_TYPES: tuple[str, ...] = (*ACTOR_GOLD_TYPES, "Location")
_SPAN_TYPES = frozenset(LOCATION_VARIANT_TYPES)
_POLARITIES = ("escalation", "de-escalation")

# CAMEO root -> PLOVER type. Roots follow PLOVER's own CAMEO crosswalk at the
# two-digit level; a few three-digit codes that PLOVER files elsewhere are
# overridden below.
CAMEO_TO_PLOVER: dict[str, str] = {
    "02": "DEMAND",  # appeals: PLOVER folds CAMEO appeals into DEMAND
    "03": "AGREE",  # expressed intent to cooperate
    "04": "CONSULT",
    "05": "SUPPORT",  # diplomatic cooperation: praise, endorse, apologise
    "06": "COOPERATE",
    "07": "AID",
    "08": "CONCEDE",
    "09": "INVESTIGATE",
    "10": "DEMAND",
    "11": "DISAPPROVE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",  # reduce relations
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "FIGHT",
    "20": "ASSAULT",  # mass violence
}
_CAMEO_OVERRIDES: dict[str, str] = {
    "087": "RETREAT",  # de-escalate military engagement
    "0871": "RETREAT",
    "0872": "RETREAT",
    "0873": "RETREAT",
    "0874": "RETREAT",
}

# Project actor type -> the gold span types it may stand for.
ACTOR_TYPE_TO_GOLD: dict[str, frozenset[str]] = {
    "person": frozenset({"Person"}),
    "organisation": frozenset({"Organisation"}),
    "country": frozenset({"Nationality", "Location"}),
    "government": frozenset({"Organisation", "Nationality", "Location"}),
}

# PETRARCH marks negation in the text, not in the category names, so the
# negation subset is found from clausal negators.
_NEGATION = re.compile(r"\b(?:not|never)\b|n't\b", re.IGNORECASE)


# --------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One labelled event of a record.

    Attributes:
        type: PLOVER type, or None when only the polarity is labelled.
        polarity: "escalation" or "de-escalation".
        modality: Labelled modality, or None when not labelled.
    """

    type: str | None
    polarity: str
    modality: str | None = None


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One labelled entity span.

    Attributes:
        start: Offset of the first character.
        end: Offset one past the last character.
        type: re3d-style type ("Person", "Organisation", ...).
    """

    start: int
    end: int
    type: str


@dataclass(frozen=True, slots=True)
class NewsLabel:
    """Labels of one ordinary-news record (``devnews`` format).

    Attributes:
        domain: One of :data:`NEWS_DOMAINS`.
        should_alert: Whether the text reports political escalation.
        level: Labelled alert level, or None for no escalation.
        hard_negative: True for a sentence chosen as a likely misfire.
        kind: The misfire kind of a hard negative.
        split: ``train`` or ``dev``, when the record has one.
    """

    domain: str
    should_alert: bool
    level: str | None = None
    hard_negative: bool = False
    kind: str | None = None
    split: str | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """One labelled text, normalised across input formats.

    Attributes:
        id: Record id.
        text: The text to analyse.
        published_at: Event time when the record has one.
        events: Gold events, or None when the record is not scored for events.
        entities: Gold spans, or None when the record has no span labels.
        negation: True when the text holds a clausal negator (PETRARCH
            negation subset).
        news: Ordinary-news labels (``devnews`` format), else None.
    """

    id: str
    text: str
    published_at: str | None = None
    events: tuple[GoldEvent, ...] | None = None
    entities: tuple[GoldSpan, ...] | None = None
    negation: bool = False
    news: NewsLabel | None = None


@dataclass(frozen=True, slots=True)
class Dataset:
    """The records of one input file.

    Attributes:
        path: The file read.
        format: The format it was read as.
        records: Normalised records.
        skipped: Records left out of the event scores, with the reason.
    """

    path: str
    format: str
    records: tuple[Record, ...]
    skipped: Mapping[str, int] = field(default_factory=dict)


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
    """

    type: str
    polarity: str
    start: int
    end: int
    modality: str | None = None
    political: bool = True


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
        predict: Text and event time in, prediction out.
        signals: Whether the system finds signals.
        actors: Whether the system finds actor spans.
        modality: Whether its signals carry modality.
        alerts: Whether it makes an alert decision per text.
        levels: Whether its alerts carry a level.
    """

    name: str
    predict: Callable[[str, str | None], Prediction]
    signals: bool
    actors: bool
    modality: bool
    alerts: bool = False
    levels: bool = False


def harmonic_mean(precision: float, recall: float) -> float:
    """F1 of a precision and a recall, 0 when both are 0."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Score:
    """Precision, recall and F1 with the counts behind them."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP), 0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN), 0 when there is no gold."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        return harmonic_mean(self.precision, self.recall)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON report object."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(frozen=True, slots=True)
class SpanScore:
    """Span P/R/F1, where matched predictions and matched gold are counted apart
    (under overlap one prediction may cover two gold spans)."""

    pred_correct: int
    pred_total: int
    gold_found: int
    gold_total: int

    @property
    def precision(self) -> float:
        """Correct predictions over all predictions."""
        return self.pred_correct / self.pred_total if self.pred_total else 0.0

    @property
    def recall(self) -> float:
        """Recalled gold spans over all gold spans."""
        return self.gold_found / self.gold_total if self.gold_total else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        return harmonic_mean(self.precision, self.recall)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON report object."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "pred_correct": self.pred_correct,
            "pred_total": self.pred_total,
            "gold_found": self.gold_found,
            "gold_total": self.gold_total,
        }


# ------------------------------------------------------------------ pure metrics


def score(tp: int, fp: int, fn: int) -> Score:
    """Return the :class:`Score` of the given counts."""
    return Score(tp, fp, fn)


def label_scores(pairs: Iterable[tuple[str | None, str | None]]) -> dict[str, Score]:
    """Score single-label decisions per label.

    Args:
        pairs: ``(gold, predicted)`` per record; None means no label (a
            negative record, or no prediction).

    Returns:
        A :class:`Score` for every label seen in gold or prediction.
    """
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold, pred in pairs:
        if gold is not None and gold == pred:
            tp[gold] += 1
            continue
        if pred is not None:
            fp[pred] += 1
        if gold is not None:
            fn[gold] += 1
    labels = sorted(set(tp) | set(fp) | set(fn))
    return {label: Score(tp[label], fp[label], fn[label]) for label in labels}


def macro_f1(scores: Mapping[str, Score]) -> float:
    """Mean F1 over the labels that have gold (TP + FN > 0); 0 when none."""
    present = [s.f1 for s in scores.values() if s.tp + s.fn]
    return sum(present) / len(present) if present else 0.0


def primary_signal(signals: Sequence[PredSignal]) -> PredSignal | None:
    """Return the first signal in text order, the longer trigger on a tie."""
    if not signals:
        return None
    return min(signals, key=lambda s: (s.start, -(s.end - s.start)))


def pick_gold(golds: Sequence[str], predicted: str | None) -> str | None:
    """Choose the gold label a single-label decision is judged against.

    The predicted label when it is among ``golds``, else the first gold,
    else None (a negative record).
    """
    if not golds:
        return None
    if predicted is not None and predicted in golds:
        return predicted
    return golds[0]


def evaluate_events(
    golds: Sequence[Sequence[GoldEvent]], predictions: Sequence[Sequence[PredSignal]]
) -> dict[str, Any]:
    """Score polarity, type and detection of the primary signal per record.

    Args:
        golds: Gold events per record (empty for a negative record).
        predictions: Predicted signals per record, parallel to ``golds``.

    Returns:
        ``polarity`` / ``types`` per-label scores, ``polarity_macro_f1``,
        ``type_macro_f1``, ``detection`` (any signal vs any gold event) and
        ``negatives`` (records without gold and how many got a signal).
    """
    polarity_pairs: list[tuple[str | None, str | None]] = []
    type_pairs: list[tuple[str | None, str | None]] = []
    detection = Counter[str]()
    negatives = Counter[str]()
    for gold, signals in zip(golds, predictions, strict=True):
        primary = primary_signal(signals)
        pred_pol = primary.polarity if primary else None
        pred_type = primary.type if primary else None
        polarity_pairs.append((pick_gold([g.polarity for g in gold], pred_pol), pred_pol))
        gold_types = [g.type for g in gold if g.type is not None]
        if gold_types or not gold:
            type_pairs.append((pick_gold(gold_types, pred_type), pred_type))
        if gold:
            detection["tp" if primary else "fn"] += 1
        elif primary:
            detection["fp"] += 1
        if not gold:
            negatives["records"] += 1
            negatives["with_signal"] += primary is not None
    polarity = label_scores(polarity_pairs)
    types = label_scores(type_pairs)
    present_pol = {k: v for k, v in polarity.items() if k in _POLARITIES}
    return {
        "records": len(golds),
        "polarity": polarity,
        "polarity_macro_f1": macro_f1(present_pol),
        "types": types,
        "type_macro_f1": macro_f1(types),
        "detection": Score(detection["tp"], detection["fp"], detection["fn"]),
        "negatives": dict(negatives),
    }


def modality_accuracy(
    golds: Sequence[Sequence[GoldEvent]], predictions: Sequence[Sequence[PredSignal]]
) -> dict[str, Any]:
    """Share of modality-labelled records whose primary signal has that modality.

    The gold modality is that of the gold event whose type matches the
    primary signal, else of the first labelled event. A record without a
    predicted signal counts as wrong.
    """
    correct = total = 0
    for gold, signals in zip(golds, predictions, strict=True):
        labelled = [g for g in gold if g.modality is not None]
        if not labelled:
            continue
        total += 1
        primary = primary_signal(signals)
        if primary is None:
            continue
        matching = [g for g in labelled if g.type == primary.type] or labelled
        correct += matching[0].modality == primary.modality
    return {"accuracy": correct / total if total else 0.0, "correct": correct, "records": total}


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def evaluate_news(
    labels: Sequence[NewsLabel], predictions: Sequence[Prediction], levels: bool
) -> dict[str, Any]:
    """Score alert decisions on ordinary news, per domain and per misfire kind.

    Args:
        labels: Labels per record.
        predictions: The system's prediction per record, parallel to ``labels``
            (``alert`` must be set).
        levels: Whether the predictions carry alert levels (then the critical
            rate and the level confusion are computed).

    Returns:
        ``domains``: per domain (and ``all``) the article count, labelled
        alerts, predicted alerts, ``alert_rate``, ``alert`` (P/R/F1 of the
        alert decision against ``should_alert``), ``critical`` and
        ``critical_rate``; ``levels``: ``confusion[gold][pred]`` over
        :data:`NEWS_LEVELS` and ``accuracy``; ``hard_negatives``: per kind
        (and ``all``) the count, those with an escalation signal, those
        alerted and the two rates; ``targets``: each of :data:`NEWS_TARGETS`
        with its measured value and whether it is met. Hard negatives are
        sentences, so they are left out of the domain figures.
    """
    counts: dict[str, Counter[str]] = {d: Counter() for d in (*NEWS_DOMAINS, "all")}
    confusion = {g: dict.fromkeys(NEWS_LEVELS, 0) for g in NEWS_LEVELS}
    kinds: dict[str, Counter[str]] = {k: Counter() for k in (*HARD_NEGATIVE_KINDS, "all")}
    for label, pred in zip(labels, predictions, strict=True):
        alerted = bool(pred.alert)
        if label.hard_negative:
            escalation = any(s.polarity == "escalation" and s.political
                             for s in pred.signals or ())
            for key in (label.kind or "", "all"):
                if key in kinds:
                    kinds[key]["n"] += 1
                    kinds[key]["with_signal"] += escalation
                    kinds[key]["alerts"] += alerted
            continue
        for key in (label.domain, "all"):
            c = counts[key]
            c["n"] += 1
            c["gold"] += label.should_alert
            c["alerts"] += alerted
            c["tp"] += alerted and label.should_alert
            c["critical"] += alerted and pred.level == "critical"
        if levels:
            confusion[label.level or "none"][pred.level if alerted and pred.level else "none"] += 1
    domains: dict[str, Any] = {}
    for key, c in counts.items():
        if not c["n"]:
            continue
        figures: dict[str, Any] = {
            "articles": c["n"],
            "labelled_alerts": c["gold"],
            "alerts": c["alerts"],
            "alert_rate": _rate(c["alerts"], c["n"]),
            "alert": Score(c["tp"], c["alerts"] - c["tp"], c["gold"] - c["tp"]),
        }
        if levels:
            figures["critical"] = c["critical"]
            figures["critical_rate"] = _rate(c["critical"], c["n"])
        domains[key] = figures
    report: dict[str, Any] = {"domains": domains}
    if levels and counts["all"]["n"]:
        right = sum(confusion[g][g] for g in NEWS_LEVELS)
        report["levels"] = {"confusion": confusion, "accuracy": right / counts["all"]["n"]}
    hard: dict[str, Any] = {}
    for key, c in kinds.items():
        if c["n"]:
            hard[key] = {
                "n": c["n"],
                "with_signal": c["with_signal"],
                "alerts": c["alerts"],
                "signal_rate": _rate(c["with_signal"], c["n"]),
                "alert_rate": _rate(c["alerts"], c["n"]),
            }
    if hard:
        report["hard_negatives"] = hard
    report["targets"] = _news_targets(domains, hard)
    return report


def _news_targets(domains: Mapping[str, Any], hard: Mapping[str, Any]) -> list[dict[str, Any]]:
    targets = []
    for name, measure, op, bound in NEWS_TARGETS:
        what, key = measure.split(":")
        value: float | None
        if what == "signal_rate":
            value = _get(hard, key, "signal_rate")
        elif what == "recall":
            score_ = _get(domains, key, "alert")
            value = score_.recall if isinstance(score_, Score) and score_.tp + score_.fn else None
        else:
            value = _get(domains, key, what)
        met = None if value is None else (value <= bound if op == "<=" else value >= bound)
        targets.append({"target": name, "measure": measure, "op": op, "bound": bound,
                        "value": value, "met": met})
    return targets


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _matches_other(pred: PredSpan, typed: str, gold: Sequence[GoldSpan], exact: bool) -> bool:
    others = pred.types - {typed}
    for g in gold:
        if g.type in others and (
            (g.start, g.end) == (pred.start, pred.end)
            if exact
            else _overlaps(g.start, g.end, pred.start, pred.end)
        ):
            return True
    return False


def span_score(
    gold: Sequence[Sequence[GoldSpan]],
    predicted: Sequence[Sequence[PredSpan]],
    gold_types: Iterable[str],
    *,
    exact: bool,
    typed: str | None = None,
) -> SpanScore:
    """Score predicted spans against gold spans of ``gold_types``.

    Args:
        gold: Gold spans per document.
        predicted: Predicted spans per document, parallel to ``gold``.
        gold_types: Gold types evaluated; other gold spans are ignored.
        exact: Equal offsets when True, any overlap when False.
        typed: When set, only predictions that may stand for this type count;
            a prediction that may stand for several types and matches gold
            of another of them is left out (a country actor that matched a
            gold Location is no wrong Nationality).

    Returns:
        The counts and P/R/F1. Duplicate spans (same offsets) count once.
    """
    wanted = frozenset(gold_types)
    pred_correct = pred_total = gold_found = gold_total = 0
    for gold_doc, pred_doc in zip(gold, predicted, strict=True):
        g_spans = sorted({(g.start, g.end) for g in gold_doc if g.type in wanted})
        if typed is None:
            p_spans = sorted({(p.start, p.end) for p in pred_doc})
        else:
            p_spans = sorted(
                {
                    (p.start, p.end)
                    for p in pred_doc
                    if typed in p.types and not _matches_other(p, typed, gold_doc, exact)
                }
            )
        if exact:
            g_set, p_set = set(g_spans), set(p_spans)
            pred_correct += len(p_set & g_set)
            gold_found += len(p_set & g_set)
        else:
            pred_correct += sum(any(_overlaps(*p, *g) for g in g_spans) for p in p_spans)
            gold_found += sum(any(_overlaps(*g, *p) for p in p_spans) for g in g_spans)
        pred_total += len(p_spans)
        gold_total += len(g_spans)
    return SpanScore(pred_correct, pred_total, gold_found, gold_total)


def evaluate_spans(
    gold: Sequence[Sequence[GoldSpan]], predicted: Sequence[Sequence[PredSpan]]
) -> dict[str, dict[str, SpanScore]]:
    """Score actor spans: overall, per type and the ``+Location`` variant.

    Returns:
        ``{"exact": {...}, "overlap": {...}}`` keyed by ``all``, each gold
        type, ``all+Location`` and ``Location``.
    """
    result: dict[str, dict[str, SpanScore]] = {}
    for mode, exact in (("exact", True), ("overlap", False)):
        table = {"all": span_score(gold, predicted, ACTOR_GOLD_TYPES, exact=exact)}
        for gold_type in LOCATION_VARIANT_TYPES:
            table[gold_type] = span_score(
                gold, predicted, (gold_type,), exact=exact, typed=gold_type
            )
        table["all+Location"] = span_score(gold, predicted, LOCATION_VARIANT_TYPES, exact=exact)
        result[mode] = table
    return result


# ---------------------------------------------------------------- input formats


def cameo_polarity(code: str) -> str | None:
    """Return the polarity of a CAMEO code by its root, or None to skip it."""
    root = code[:2]
    if not root.isdigit() or not 1 <= int(root) <= 20:
        return None
    return "de-escalation" if int(root) <= 8 else "escalation"


def cameo_to_plover(code: str) -> str | None:
    """Return the PLOVER type of a CAMEO code, or None for skipped codes."""
    for length in (4, 3):
        if code[:length] in _CAMEO_OVERRIDES:
            return _CAMEO_OVERRIDES[code[:length]]
    return CAMEO_TO_PLOVER.get(code[:2])


def detect_format(record: Mapping[str, Any]) -> str:
    """Name the format of one decoded record, from its label keys.

    Raises:
        ConfigError: when no known format fits.
    """
    labels = record.get("labels")
    if not isinstance(labels, Mapping):
        raise ConfigError("record has no 'labels' object")
    if "domain" in labels and "should_alert" in labels:
        return "devnews"
    if "event" in labels and "derived_polarity" in labels:
        return "plover"
    if "expected_events" in labels:
        return "petrarch"
    if "events" in labels:
        return "escwatch"
    entities = labels.get("entities")
    if isinstance(entities, list) and all(
        isinstance(e, Mapping) and "start" in e and "end" in e for e in entities
    ):
        return "re3d" if "relations" in labels or "subset" in labels else "escwatch"
    raise ConfigError("labels match no known format (plover, petrarch, re3d, escwatch, devnews)")


def _polarity_of_derived(value: str) -> str:
    if value.endswith("_conflict"):
        return "escalation"
    if value.endswith("_cooperation"):
        return "de-escalation"
    raise ConfigError(f"unknown derived_polarity {value!r}")


def _spans(entities: Any) -> tuple[GoldSpan, ...]:
    if not isinstance(entities, list):
        raise ConfigError("'entities' must be a list")
    spans = []
    for entity in entities:
        start, end, kind = entity.get("start"), entity.get("end"), entity.get("type")
        if not isinstance(start, int) or not isinstance(end, int) or not isinstance(kind, str):
            raise ConfigError("entity needs integer start/end and a string type")
        if kind in _SPAN_TYPES:
            spans.append(GoldSpan(start, end, kind))
    return tuple(spans)


def _news_label(raw: Mapping[str, Any], labels: Mapping[str, Any]) -> NewsLabel:
    domain = labels.get("domain")
    if domain not in NEWS_DOMAINS:
        raise ConfigError(f"labels.domain must be one of {NEWS_DOMAINS}, not {domain!r}")
    should_alert = labels.get("should_alert")
    if not isinstance(should_alert, bool):
        raise ConfigError("labels.should_alert must be true or false")
    level = labels.get("level")
    if level is not None and level not in NEWS_LEVELS[1:]:
        raise ConfigError(f"labels.level must be null or one of {NEWS_LEVELS[1:]}")
    if should_alert != (level is not None):
        raise ConfigError("labels.should_alert must be true exactly when labels.level is set")
    hard = bool(labels.get("hard_negative", False))
    kind = labels.get("kind")
    if hard and kind not in HARD_NEGATIVE_KINDS:
        raise ConfigError(f"labels.kind of a hard negative must be one of {HARD_NEGATIVE_KINDS}")
    split = raw.get("split")
    return NewsLabel(
        str(domain),
        should_alert,
        level,
        hard,
        str(kind) if hard else None,
        split if isinstance(split, str) else None,
    )


def _parse(raw: Mapping[str, Any], fmt: str, skipped: Counter[str]) -> Record:
    text = raw.get("text")
    if not isinstance(text, str):
        raise ConfigError("record has no string 'text'")
    labels = raw.get("labels")
    if not isinstance(labels, Mapping):
        raise ConfigError("record has no 'labels' object")
    rid = str(raw.get("id", ""))
    published = raw.get("published_at")
    published_at = published if isinstance(published, str) else None
    if fmt == "plover":
        polarity = _polarity_of_derived(str(labels.get("derived_polarity")))
        event = GoldEvent(str(labels["event"]), polarity)
        return Record(rid, text, published_at, events=(event,))
    if fmt == "petrarch":
        expected = labels.get("expected_events") or []
        events = tuple(
            GoldEvent(cameo_to_plover(code), pol)
            for code in (str(e.get("event_code", "")) for e in expected)
            if (pol := cameo_polarity(code)) is not None and code[:2] != "01"
        )
        negated = bool(_NEGATION.search(text))
        if expected and not events:
            skipped["only test-only or statement codes"] += 1
            return Record(rid, text, published_at, events=None, negation=negated)
        return Record(rid, text, published_at, events=events, negation=negated)
    if fmt == "re3d":
        return Record(rid, text, published_at, entities=_spans(labels.get("entities")))
    if fmt == "devnews":
        return Record(rid, text, published_at, news=_news_label(raw, labels))
    gold_events: tuple[GoldEvent, ...] | None = None
    if "events" in labels:
        items = labels["events"]
        if not isinstance(items, list):
            raise ConfigError("'events' must be a list")
        parsed = []
        for item in items:
            polarity = item.get("polarity")
            if polarity not in _POLARITIES:
                raise ConfigError(f"event polarity must be one of {_POLARITIES}")
            parsed.append(GoldEvent(item.get("type"), polarity, item.get("modality")))
        gold_events = tuple(parsed)
    entities = _spans(labels["entities"]) if "entities" in labels else None
    return Record(rid, text, published_at, events=gold_events, entities=entities)


def read_dataset(path: Path, fmt: str = "auto") -> Dataset:
    """Read one labelled JSONL file into normalised records.

    Args:
        path: The file.
        fmt: One of :data:`FORMATS`, or "auto" to detect from the first record.

    Raises:
        ConfigError: when the file is unreadable or a record is malformed;
            the message names file and line.
    """
    try:
        lines = path.read_bytes().splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    records: list[Record] = []
    skipped: Counter[str] = Counter()
    chosen = None if fmt == "auto" else fmt
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = orjson.loads(line)
            if not isinstance(raw, dict):
                raise ConfigError("each line must be a JSON object")
            if chosen is None:
                chosen = detect_format(raw)
            records.append(_parse(raw, chosen, skipped))
        except orjson.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not valid JSON: {exc}") from exc
        except (ConfigError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{path}:{number}: {exc}") from exc
    if chosen is None:
        raise ConfigError(f"{path}: no records")
    return Dataset(str(path), chosen, tuple(records), dict(skipped))


def select_split(dataset: Dataset, split: str | None) -> Dataset:
    """Keep the records of one split (records without a split are kept).

    Args:
        dataset: The dataset read.
        split: ``train``, ``dev``, or None to keep everything.
    """
    if split is None:
        return dataset
    kept = tuple(r for r in dataset.records if r.news is None or r.news.split in (None, split))
    return Dataset(dataset.path, dataset.format, kept, dataset.skipped)


# --------------------------------------------------------------------- systems


def _escwatch_system() -> System | str:
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

    def predict(text: str, published_at: str | None) -> Prediction:
        analysis = analyzer.analyze(Article(id="eval", text=text, published_at=published_at))
        signals = tuple(
            PredSignal(s.type, s.polarity, s.start, s.end, s.modality, s.political)
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


def _keyword_system() -> System:
    matcher = KeywordMatcher()

    def predict(text: str, published_at: str | None) -> Prediction:
        hits = matcher.match(text)
        return Prediction(
            signals=tuple(PredSignal(h.type, h.polarity, h.start, h.end) for h in hits),
            alert=any(h.polarity == "escalation" for h in hits),
        )

    # The naive anchor alerts on any conflict keyword; it has no levels.
    return System(
        "keyword", predict, signals=True, actors=False, modality=False, alerts=True, levels=False
    )


def _spacy_system(actors: SpacyActors) -> System:
    def predict(text: str, published_at: str | None) -> Prediction:
        spans = tuple(PredSpan(s.start, s.end, SPACY_LABELS[s.label]) for s in actors.extract(text))
        return Prediction(spans=spans)

    return System("spacy-sm", predict, signals=False, actors=True, modality=False)


# ------------------------------------------------------------------ evaluation


def evaluate_dataset(dataset: Dataset, system: System) -> dict[str, Any] | None:
    """Run ``system`` over ``dataset`` and score what applies.

    Returns:
        The system's report for this dataset, or None when the system finds
        nothing this dataset labels.
    """
    has_events = any(r.events is not None for r in dataset.records)
    has_spans = any(r.entities is not None for r in dataset.records)
    has_news = any(r.news is not None for r in dataset.records)
    if not (
        (has_events and system.signals)
        or (has_spans and system.actors)
        or (has_news and system.alerts)
    ):
        return None
    started = time.perf_counter()
    predictions = [system.predict(r.text, r.published_at) for r in dataset.records]
    elapsed = time.perf_counter() - started
    report: dict[str, Any] = {
        "timing": {
            "articles": len(dataset.records),
            "seconds": round(elapsed, 4),
            "articles_per_s": round(len(dataset.records) / elapsed, 1) if elapsed else None,
        }
    }
    if has_events and system.signals:
        pairs = [
            (r.events, p.signals or ())
            for r, p in zip(dataset.records, predictions, strict=True)
            if r.events is not None
        ]
        golds = [g for g, _ in pairs]
        preds = [s for _, s in pairs]
        report["events"] = evaluate_events(golds, preds)
        if system.modality and any(g.modality for gold in golds for g in gold):
            report["modality"] = modality_accuracy(golds, preds)
        negated = [
            p.signals or () for r, p in zip(dataset.records, predictions, strict=True) if r.negation
        ]
        if negated:
            report["negation"] = _negation_figures(negated, system.modality)
    if has_spans and system.actors:
        pairs_s = [
            (r.entities, p.spans or ())
            for r, p in zip(dataset.records, predictions, strict=True)
            if r.entities is not None
        ]
        report["spans"] = evaluate_spans([g for g, _ in pairs_s], [s for _, s in pairs_s])
    if has_news and system.alerts:
        pairs_n = [
            (r.news, p)
            for r, p in zip(dataset.records, predictions, strict=True)
            if r.news is not None
        ]
        report["news"] = evaluate_news(
            [g for g, _ in pairs_n], [p for _, p in pairs_n], system.levels
        )
    return report


def _negation_figures(
    signals: Sequence[Sequence[PredSignal]], has_modality: bool
) -> dict[str, Any]:
    """Figures on records whose text negates: how often a negation was seen."""
    with_signal = sum(bool(s) for s in signals)
    primary = [primary_signal(s) for s in signals]
    figures: dict[str, Any] = {
        "records": len(signals),
        "with_signal": with_signal,
        "primary_asserted_escalation": sum(
            p is not None and p.polarity == "escalation" and p.modality in (None, "asserted")
            for p in primary
        ),
    }
    if has_modality:
        figures["any_negated"] = sum(any(x.modality == "negated" for x in s) for s in signals)
        figures["primary_negated"] = sum(p is not None and p.modality == "negated" for p in primary)
    return figures


# --------------------------------------------------------------------- output


def _plain(value: Any) -> Any:
    if isinstance(value, Score | SpanScore):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def _prf(value: Score | SpanScore | None) -> str:
    if value is None:
        return "n/a"
    return f"{value.precision:.2f}/{value.recall:.2f}/{value.f1:.2f}"


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _get(report: Mapping[str, Any] | None, *keys: str) -> Any:
    node: Any = report
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _print_table(
    out: TextIO, title: str, rows: list[tuple[str, list[str]]], names: Sequence[str]
) -> None:
    label_width = max([len(title), *(len(label) for label, _ in rows)]) + 2
    out.write(f"  {title:<{label_width}}" + "".join(f"{n:>16}" for n in names) + "\n")
    for label, cells in rows:
        out.write(f"  {label:<{label_width}}" + "".join(f"{c:>16}" for c in cells) + "\n")


def _cell(report: Mapping[str, Any] | None, keys: tuple[str, ...], kind: str) -> str:
    value = _get(report, *keys)
    if value is None:
        return "n/a"
    if kind == "prf":
        return _prf(value)
    if kind == "rate":
        return _num(value, 1)
    if kind == "int":
        return str(value)
    if kind == "pct":
        return f"{100 * value:.1f}%"
    return _num(value)


def print_report(
    out: TextIO, dataset: Dataset, reports: Mapping[str, dict[str, Any] | None]
) -> None:
    """Write the fixed-width table of one dataset to ``out``.

    Args:
        out: Where to write.
        dataset: The dataset scored.
        reports: System name to its report (None when it did not apply).
    """
    names = [n for n, r in reports.items() if r is not None]
    out.write(f"\n== {dataset.path}  [{dataset.format}, {len(dataset.records)} records]\n")
    for reason, count in dataset.skipped.items():
        out.write(f"   {count} records left out of event scores: {reason}\n")
    if not names:
        out.write("   no available system scores what this file labels\n")
        return
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, keys: tuple[str, ...], kind: str = "num") -> None:
        rows.append((label, [_cell(reports[n], keys, kind) for n in names]))

    first = next((reports[n] for n in names if _get(reports[n], "events")), None)
    if first is not None:
        events = first["events"]
        row("polarity macro-F1", ("events", "polarity_macro_f1"))
        for pol in _POLARITIES:
            gold = events["polarity"].get(pol)
            if gold is not None and gold.tp + gold.fn:
                n = gold.tp + gold.fn
                row(f"  {pol} P/R/F1 (n={n})", ("events", "polarity", pol), "prf")
        row("type macro-F1", ("events", "type_macro_f1"))
        for name, gold in sorted(events["types"].items()):
            if gold.tp + gold.fn:
                n = gold.tp + gold.fn
                row(f"  {name} P/R/F1 (n={n})", ("events", "types", name), "prf")
        row("detection P/R/F1", ("events", "detection"), "prf")
        negatives = events["negatives"].get("records", 0)
        if negatives:
            row(
                f"negatives with a signal (of {negatives})",
                ("events", "negatives", "with_signal"),
                "int",
            )
        if any(_get(reports[n], "modality") for n in names):
            row("modality accuracy", ("modality", "accuracy"))
        negation = next((reports[n] for n in names if _get(reports[n], "negation")), None)
        if negation is not None:
            total = negation["negation"]["records"]
            row(f"negated texts: a signal negated (of {total})", ("negation", "any_negated"), "int")
            row(
                f"negated texts: asserted escalation (of {total})",
                ("negation", "primary_asserted_escalation"),
                "int",
            )
    spans = next((reports[n] for n in names if _get(reports[n], "spans")), None)
    if spans is not None:
        for mode in ("exact", "overlap"):
            for key, label in (
                ("all", "actors Per+Org+Nat"),
                ("Person", "  Person"),
                ("Organisation", "  Organisation"),
                ("Nationality", "  Nationality"),
                ("all+Location", "actors +Location"),
                ("Location", "  Location"),
            ):
                n = spans["spans"][mode][key].gold_total
                row(f"{label} {mode} P/R/F1 (n={n})", ("spans", mode, key), "prf")
    news = next((reports[n] for n in names if _get(reports[n], "news")), None)
    if news is not None:
        _news_rows(rows, row, news["news"], names, reports)
    row("articles/s", ("timing", "articles_per_s"), "rate")
    _print_table(out, "metric", rows, names)
    for name in names:
        levels = _get(reports[name], "news", "levels")
        if levels is not None:
            _print_confusion(out, name, levels)


def _news_rows(
    rows: list[tuple[str, list[str]]],
    row: Callable[[str, tuple[str, ...], str], None],
    news: Mapping[str, Any],
    names: Sequence[str],
    reports: Mapping[str, dict[str, Any] | None],
) -> None:
    for domain in (*NEWS_DOMAINS, "all"):
        figures = news["domains"].get(domain)
        if figures is None:
            continue
        n, gold = figures["articles"], figures["labelled_alerts"]
        row(f"{domain} (n={n}, {gold} to alert): alert rate", ("news", "domains", domain,
                                                               "alert_rate"), "pct")
        row("  alert P/R/F1", ("news", "domains", domain, "alert"), "prf")
        row("  critical rate", ("news", "domains", domain, "critical_rate"), "pct")
    for kind in (*HARD_NEGATIVE_KINDS, "all"):
        figures = news.get("hard_negatives", {}).get(kind)
        if figures is None:
            continue
        keys = ("news", "hard_negatives", kind)
        row(f"hard negatives {kind} (n={figures['n']}): with signal", (*keys, "signal_rate"),
            "pct")
        row("  alerted", (*keys, "alert_rate"), "pct")
    for index, target in enumerate(news["targets"]):
        bound = target["bound"]
        shown = f"{100 * bound:g}%"
        cells = []
        for name in names:
            found = _get(reports[name], "news", "targets")
            item = found[index] if isinstance(found, list) else None
            if item is None or item["value"] is None:
                cells.append("n/a")
            else:
                mark = "ok" if item["met"] else "MISS"
                cells.append(f"{100 * item['value']:.1f}% {mark}")
        rows.append((f"target: {target['target']} {target['op']} {shown}", cells))


def _print_confusion(out: TextIO, name: str, levels: Mapping[str, Any]) -> None:
    confusion = levels["confusion"]
    out.write(f"\n  {name}: labelled level (rows) vs predicted alert level (columns); "
              f"level accuracy {100 * levels['accuracy']:.1f}%\n")
    out.write("  " + f"{'':<10}" + "".join(f"{p:>10}" for p in NEWS_LEVELS) + f"{'total':>10}\n")
    for gold in NEWS_LEVELS:
        cells = [confusion[gold][p] for p in NEWS_LEVELS]
        out.write("  " + f"{gold:<10}" + "".join(f"{c:>10}" for c in cells)
                  + f"{sum(cells):>10}\n")


# ------------------------------------------------------------------------ CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escwatch eval",
        description="Score the analysis core on labelled JSONL, with baselines side by side.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="labelled JSONL")
    parser.add_argument(
        "--format", choices=("auto", *FORMATS), default="auto", help="input format (auto)"
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write a JSON report")
    parser.add_argument(
        "--split",
        choices=("train", "dev"),
        help="score only the records of this split (devnews records carry one)",
    )
    parser.add_argument("--no-baselines", action="store_true", help="score only the escwatch core")
    parser.add_argument(
        "--spacy",
        action="store_true",
        help="require the spaCy small-NER actor peer (exit 1 when unavailable); "
        "without it the peer runs only when importable",
    )
    parser.add_argument(
        "--spacy-model",
        default="en_core_web_sm",
        metavar="NAME",
        help="spaCy model package for the actor peer (en_core_web_sm)",
    )
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run ``escwatch eval``.

    Args:
        argv: Arguments after ``eval``; None reads ``sys.argv``.
        out: Where the tables go; standard output by default.

    Returns:
        0 on success; 1 when a requested system could not run (the core, or
        spaCy under ``--spacy``); 2 on bad arguments or unreadable input.
    """
    out = out or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        datasets = [select_split(read_dataset(path, args.format), args.split)
                    for path in args.paths]
    except ConfigError as exc:
        sys.stderr.write(f"escwatch eval: error: {exc}\n")
        return 2
    status = 0
    systems: list[System] = []
    unavailable: dict[str, str] = {}
    started = time.perf_counter()
    core = _escwatch_system()
    if isinstance(core, str):
        out.write(core + "\n")
        unavailable["escwatch"] = core
        status = 1
    else:
        systems.append(core)
        out.write(f"escwatch core ready in {1000 * (time.perf_counter() - started):.0f} ms\n")
    if not args.no_baselines:
        systems.append(_keyword_system())
        if any(r.entities is not None for d in datasets for r in d.records):
            peer = load_spacy_actors(args.spacy_model)
            if isinstance(peer, str):
                out.write(peer + "\n")
                unavailable["spacy-sm"] = peer
                status = 1 if args.spacy else status
            else:
                systems.append(_spacy_system(peer))
    document: dict[str, Any] = {
        "schema": "escwatch.eval.v1",
        "unavailable": unavailable,
        "inputs": [],
    }
    for dataset in datasets:
        reports = {s.name: evaluate_dataset(dataset, s) for s in systems}
        print_report(out, dataset, reports)
        document["inputs"].append(
            {
                "path": dataset.path,
                "format": dataset.format,
                "records": len(dataset.records),
                "skipped": dict(dataset.skipped),
                "systems": {k: _plain(v) for k, v in reports.items() if v is not None},
            }
        )
    if args.json is not None:
        try:
            args.json.write_bytes(
                orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
            )
        except OSError as exc:
            sys.stderr.write(f"escwatch eval: error: cannot write {args.json}: {exc}\n")
            return 2
    return status
