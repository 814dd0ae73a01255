"""Evaluation of one system on one dataset: events, modality, spans and ordinary news
(definitions in :mod:`streams.evaluation`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from streams.evaluation.datasets import (
    _POLARITIES,
    ACTOR_GOLD_TYPES,
    HARD_NEGATIVE_KINDS,
    LOCATION_VARIANT_TYPES,
    MODALITIES,
    NEWS_DOMAINS,
    NEWS_LEVELS,
    Dataset,
    GoldEvent,
    GoldSpan,
    NewsLabel,
)
from streams.evaluation.scores import Score, SpanScore, label_scores, macro_f1
from streams.evaluation.systems import Prediction, PredSignal, PredSpan, System

__all__ = [
    "ARMED_CONFLICT",
    "MODALITY_TARGETS",
    "NEWS_TARGETS",
    "NO_SIGNAL",
    "evaluate_dataset",
    "evaluate_events",
    "evaluate_news",
    "evaluate_spans",
    "evaluate_triggers",
    "modality_accuracy",
    "pick_gold",
    "primary_signal",
    "span_score",
]
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
    ("armed-conflict detection", "recall:armed_conflict", ">=", 0.95),
    ("non-event mentions with a signal", "signal_rate:non_event", "<=", 0.15),
)

# The pseudo-domain of records filed upstream as armed-conflict reports.
ARMED_CONFLICT = "armed_conflict"

# The trigger-level modality targets: (name, measure, comparison, bound).
MODALITY_TARGETS: tuple[tuple[str, str, str, float], ...] = (
    ("trigger coverage", "coverage", ">=", 0.90),
    ("modality right", "modality_right", ">=", 0.85),
)
# The column of the modality confusion for triggers no signal overlaps.
NO_SIGNAL = "no signal"


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


def evaluate_triggers(
    golds: Sequence[Sequence[GoldEvent]],
    predictions: Sequence[Sequence[PredSignal]],
    *,
    modality: bool = True,
) -> dict[str, Any]:
    """Score trigger coverage and modality over gold events with trigger spans.

    A labelled trigger is covered when a predicted signal overlaps its span;
    its predicted modality is that of the first overlapping signal (text
    order, the longer on a tie; see :func:`primary_signal`), ``asserted``
    when that signal carries none, and ``negated`` when the signal recodes
    the negated event as its flip (``flipped``: "did not concede" given as
    REJECT).

    Args:
        golds: Gold events per record; events without a span are ignored.
        predictions: Predicted signals per record, parallel to ``golds``.
        modality: Whether the system predicts modality; without it only the
            coverage figures are reported (the modality figures are None and
            the confusion is left out).

    Returns:
        ``triggers`` (labelled spans), ``covered``, ``coverage``;
        ``modality_labelled`` (covered triggers with a labelled modality),
        ``modality_correct``, ``modality_right``; ``confusion[gold][pred]``
        over :data:`MODALITIES` with a :data:`NO_SIGNAL` column; ``per_modality``
        (per labelled modality: triggers, covered, coverage, correct, right);
        ``targets``: each of :data:`MODALITY_TARGETS` with its value and
        whether it is met. Rates are None when nothing was counted.
    """
    columns = (*MODALITIES, NO_SIGNAL)
    confusion = {g: dict.fromkeys(columns, 0) for g in MODALITIES}
    total = covered = labelled = correct = 0
    for gold, signals in zip(golds, predictions, strict=True):
        for event in gold:
            if not event.has_span:
                continue
            total += 1
            hit = primary_signal(
                [s for s in signals if _overlaps(s.start, s.end, event.start, event.end)]
            )
            predicted = (NO_SIGNAL if hit is None else "negated" if hit.flipped
                         else (hit.modality or "asserted"))
            if hit is not None:
                covered += 1
            if event.modality not in confusion:
                continue
            confusion[event.modality][predicted] += 1
            if hit is not None:
                labelled += 1
                correct += predicted == event.modality
    per_modality: dict[str, Any] = {}
    for gold_modality, row in confusion.items():
        n = sum(row.values())
        if not n:
            continue
        hits = n - row[NO_SIGNAL]
        per_modality[gold_modality] = {
            "triggers": n,
            "covered": hits,
            "coverage": _rate(hits, n),
            "correct": row[gold_modality],
            "right": _rate(row[gold_modality], hits),
        }
    report: dict[str, Any] = {
        "triggers": total,
        "covered": covered,
        "coverage": _rate(covered, total),
        "modality_labelled": labelled,
        "modality_correct": correct,
        "modality_right": _rate(correct, labelled),
        "confusion": confusion,
        "per_modality": per_modality,
    }
    if not modality:
        report.update(modality_correct=None, modality_right=None)
        del report["confusion"]
        for row_ in per_modality.values():
            row_.update(correct=None, right=None)
    targets = []
    for name, measure, op, bound in MODALITY_TARGETS:
        value = report[measure]
        met = None if value is None else (value <= bound if op == "<=" else value >= bound)
        targets.append({"target": name, "measure": measure, "op": op, "bound": bound,
                        "value": value, "met": met})
    report["targets"] = targets
    return report


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
        ``critical_rate``; ``armed_conflict``, the same over the records
        filed upstream as armed-conflict reports, whatever their domain;
        ``levels``: ``confusion[gold][pred]`` over
        :data:`NEWS_LEVELS` and ``accuracy``; ``hard_negatives``: per kind
        (and ``all``) the count, those with an escalation signal, those
        alerted and the two rates; ``targets``: each of :data:`NEWS_TARGETS`
        with its measured value and whether it is met. Hard negatives are
        sentences, so they are left out of the domain figures.
    """
    counts: dict[str, Counter[str]] = {d: Counter()
                                       for d in (*NEWS_DOMAINS, "all", ARMED_CONFLICT)}
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
        keys = (label.domain, "all", ARMED_CONFLICT) if label.armed_conflict else (
            label.domain, "all")
        for key in keys:
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
            value = lookup(hard, key, "signal_rate")
        elif what == "recall":
            score_ = lookup(domains, key, "alert")
            value = score_.recall if isinstance(score_, Score) and score_.tp + score_.fn else None
        else:
            value = lookup(domains, key, what)
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


# ------------------------------------------------------------------ evaluation


def evaluate_dataset(dataset: Dataset, system: System) -> dict[str, Any] | None:
    """Run ``system`` over ``dataset`` and score what applies.

    Returns:
        The system's report for this dataset, or None when the system finds
        nothing this dataset labels.
    """
    has_events = any(r.events is not None for r in dataset.records)
    has_spans = any(r.entities for r in dataset.records)
    has_news = any(r.news is not None for r in dataset.records)
    if not (
        (has_events and system.signals)
        or (has_spans and system.actors)
        or (has_news and system.alerts)
    ):
        return None
    started = time.perf_counter()
    predictions = [system.predict(r.text, r.published_at, r.title) for r in dataset.records]
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
        if any(g.has_span for gold in golds for g in gold):
            report["triggers"] = evaluate_triggers(golds, preds, modality=system.modality)
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


def lookup(report: Mapping[str, Any] | None, *keys: str) -> Any:
    node: Any = report
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node
