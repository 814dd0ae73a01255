"""Pure scoring: the one F1 rule (:func:`f1`), per-label scores and macro-F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, overload

__all__ = ["PRF", "Score", "SpanScore", "f1", "label_scores", "macro_f1", "score"]

@overload
def f1(precision: float, recall: float) -> float: ...


@overload
def f1(precision: float | None, recall: float | None) -> float | None: ...


def f1(precision: float | None, recall: float | None) -> float | None:
    """F1, the harmonic mean of a precision and a recall: the project's one F1 rule.

    Zero rule: when precision and recall are both 0 the F1 is 0 (not a division
    by zero); when either is undefined (None: its denominator was zero and the
    caller keeps that undefined, as the backtest does) the F1 is undefined too.
    Callers that count an undefined ratio as 0 (:class:`Score`) pass 0 and get a
    number back.
    """
    if precision is None or recall is None:
        return None
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


class PRF:
    """Precision, recall and their :func:`f1`; subclasses define the two ratios."""

    __slots__ = ()

    @property
    def precision(self) -> float:
        """The precision (defined by the subclass)."""
        raise NotImplementedError

    @property
    def recall(self) -> float:
        """The recall (defined by the subclass)."""
        raise NotImplementedError

    @property
    def f1(self) -> float:
        """:func:`f1` of :attr:`precision` and :attr:`recall`."""
        return f1(self.precision, self.recall)


@dataclass(frozen=True, slots=True)
class Score(PRF):
    """Precision, recall and F1 with the counts behind them.

    A ratio with a zero denominator counts as 0 here (so the F1 is 0 too).
    """

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
class SpanScore(PRF):
    """Span P/R/F1, where matched predictions and matched gold are counted apart
    (under overlap one prediction may cover two gold spans). A ratio with a zero
    denominator counts as 0, like :class:`Score`."""

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
