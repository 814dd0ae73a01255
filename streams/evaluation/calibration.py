"""Fitting the alert-level thresholds on labelled ordinary news.

The four score thresholds of :class:`streams.core.scoring.ScoringOptions`
(``alert_threshold``, ``medium``, ``high``, ``critical``) cut the article
score into five bins: none, low, medium, high and critical. Given labelled
records (``devnews`` format: a level, or none for "should not alert") and
the score the core gives each, :func:`fit_thresholds` fits in two steps, on
whole-number cuts and exactly (no search heuristic):

1. the alert threshold, for the best F1 of the alert decision ("should
   alert" against "alerts"): whether to alert is a decision, and most
   records rightly raise none, so plain accuracy would buy precision with
   recall;
2. the three level cuts above it, by dynamic programming, for the least
   total distance in level steps between the level given and the level
   labelled (none = 0 ... critical = 4): a quiet story called critical
   costs four times a high one called critical, so the critical cut is
   not bought with false alarms.

Used by ``tools/fit_levels.py`` (fits on the train split, prints the dev
figures) and by the test that keeps the shipped thresholds at the fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from streams.core.analyze import Analyzer
from streams.core.model import Article
from streams.evaluation.datasets import NEWS_LEVELS, Dataset

__all__ = ["Fit", "ScoredLabel", "accuracy", "fit_thresholds", "level_error", "score_records"]

# Scores are in [0, 100]; cuts are whole numbers, so 101 cells.
_CELLS = 101


@dataclass(frozen=True, slots=True)
class ScoredLabel:
    """One record's labelled level ("none" for no alert) and what the core gives it.

    Attributes:
        level: The labelled level, one of :data:`NEWS_LEVELS`.
        score: The article score.
        alertable: Whether the core would alert at a low enough threshold
            (it found a political escalation signal); a record without one
            is "none" whatever the thresholds.
    """

    level: str
    score: float
    alertable: bool


@dataclass(frozen=True, slots=True)
class Fit:
    """Fitted thresholds and how many records they put in the labelled bin."""

    alert_threshold: float
    medium: float
    high: float
    critical: float
    right: int
    total: int

    @property
    def accuracy(self) -> float:
        """Share of records in their labelled bin."""
        return self.right / self.total if self.total else 0.0

    @property
    def thresholds(self) -> tuple[float, float, float, float]:
        """(alert_threshold, medium, high, critical)."""
        return (self.alert_threshold, self.medium, self.high, self.critical)


def score_records(analyzer: Analyzer, dataset: Dataset) -> list[ScoredLabel]:
    """Analyse the labelled ordinary-news articles of ``dataset``.

    Hard negatives (single sentences chosen as likely misfires) are left
    out, as in the level figures of ``escwatch eval``: they would weigh
    one kind of sentence as much as a whole article.
    """
    out: list[ScoredLabel] = []
    for record in dataset.records:
        label = record.news
        if label is None or label.hard_negative:
            continue
        analysis = analyzer.analyze(Article(id=record.id, text=record.text,
                                            published_at=record.published_at,
                                            title=record.title or ""))
        alertable = any(s.political and s.polarity == "escalation" and s.severity < 0
                        for s in analysis.signals)
        out.append(ScoredLabel(label.level or "none", analysis.score, alertable))
    return out


def _alert_threshold(points: Sequence[ScoredLabel], lowest: int) -> int:
    """The whole-number alert threshold with the best alert F1 (lowest on ties)."""
    best, where = -1.0, lowest
    wanted = sum(p.level != "none" for p in points)
    for t in range(lowest, _CELLS):
        alerted = [p for p in points if p.alertable and p.score >= t]
        tp = sum(p.level != "none" for p in alerted)
        f1 = 2 * tp / (len(alerted) + wanted) if alerted or wanted else 0.0
        if f1 > best:
            best, where = f1, t
    return where


def _bin(point: ScoredLabel, thresholds: Sequence[float]) -> str:
    if not point.alertable:
        return "none"
    k = sum(point.score >= t for t in thresholds)
    return NEWS_LEVELS[k]


def accuracy(points: Iterable[ScoredLabel], thresholds: Sequence[float]) -> float:
    """Share of ``points`` that ``thresholds`` put in their labelled bin."""
    listed = list(points)
    if not listed:
        return 0.0
    return sum(_bin(p, thresholds) == p.level for p in listed) / len(listed)


def level_error(points: Iterable[ScoredLabel], thresholds: Sequence[float]) -> float:
    """Mean distance in level steps (none = 0 ... critical = 4) between the level
    ``thresholds`` give each point and its labelled level: what the fit minimises."""
    listed = list(points)
    if not listed:
        return 0.0
    return sum(abs(NEWS_LEVELS.index(_bin(p, thresholds)) - NEWS_LEVELS.index(p.level))
               for p in listed) / len(listed)


def fit_thresholds(points: Sequence[ScoredLabel], lowest: int = 1) -> Fit:
    """Return the whole-number cuts that fit the labelled levels of ``points``.

    The alert threshold maximises the F1 of the alert decision; the level
    cuts then minimise the level steps between given and labelled levels
    (see the module docstring). Records without a political escalation
    signal are "none" under any cuts. Ties go to the lowest cuts, so an alert is raised as
    early as the labels allow. ``lowest`` is the smallest alert threshold
    considered (a score of 0 never alerts).

    Raises:
        ValueError: when a point's level is not one of :data:`NEWS_LEVELS`.
    """
    alert = _alert_threshold(points, lowest)
    bins = len(NEWS_LEVELS)
    # count[c][k]: alertable points in score cell c labelled with bin k.
    count = [[0] * bins for _ in range(_CELLS)]
    fixed = 0
    for p in points:
        if p.level not in NEWS_LEVELS:
            raise ValueError(f"unknown level {p.level!r}")
        if not p.alertable:
            fixed += p.level == "none"
            continue
        cell = min(_CELLS - 1, max(0, int(p.score)))
        count[cell][NEWS_LEVELS.index(p.level)] += 1
    # cost[k][c]: total level steps between bin k and the labels of the
    # points in cells below c (a record labelled none put in "critical"
    # costs 4, one labelled high put in "critical" costs 1).
    cost = [[0] * (_CELLS + 1) for _ in range(bins)]
    for k in range(bins):
        for c in range(_CELLS):
            cost[k][c + 1] = cost[k][c] + sum(
                n * abs(k - gold) for gold, n in enumerate(count[c]))
    # best[k][c]: least cost with bins 0..k covering cells below c;
    # choice[k][c] is where bin k starts in that best answer.
    inf = float("inf")
    best = [[inf] * (_CELLS + 1) for _ in range(bins)]
    choice = [[0] * (_CELLS + 1) for _ in range(bins)]
    best[0][alert] = cost[0][alert]
    for k in range(1, bins):
        for c in range(alert + k, _CELLS + 1):
            low, where = inf, 0
            for s in range(alert + k - 1, c):
                value = best[k - 1][s] + cost[k][c] - cost[k][s]
                if value < low:
                    low, where = value, s
            best[k][c], choice[k][c] = low, where
    cuts: list[int] = []
    c = _CELLS
    for k in range(bins - 1, 0, -1):
        c = choice[k][c]
        cuts.append(c)
    cuts.reverse()
    right = fixed + sum(_bin(p, cuts) == p.level for p in points if p.alertable)
    return Fit(float(cuts[0]), float(cuts[1]), float(cuts[2]), float(cuts[3]),
               right, len(points))
