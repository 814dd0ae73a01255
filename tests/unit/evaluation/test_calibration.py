"""Fitting the alert-level thresholds: the exact fit, and the shipped thresholds at it."""

from __future__ import annotations

import pytest

from streams.core.analyze import Analyzer
from streams.core.scoring import ScoringOptions
from streams.evaluation.calibration import (
    ScoredLabel,
    accuracy,
    fit_thresholds,
    level_error,
    score_records,
)
from streams.evaluation.datasets import read_dataset, select_split
from tests.conftest import ROOT


def _points(*rows: tuple[str, float]) -> list[ScoredLabel]:
    return [ScoredLabel(level, score, True) for level, score in rows]


class TestFit:
    def test_separable_labels_are_fitted_exactly(self) -> None:
        """Scores that separate the labels give cuts that put every record right."""
        points = _points(("none", 5), ("none", 12), ("low", 30), ("low", 35),
                         ("medium", 50), ("high", 70), ("high", 72), ("critical", 95))
        fit = fit_thresholds(points)
        assert fit.accuracy == 1.0
        assert 12 < fit.alert_threshold <= 30
        assert 35 < fit.medium <= 50 < fit.high <= 70
        assert 72 < fit.critical <= 95
        assert level_error(points, fit.thresholds) == 0.0

    def test_fit_is_no_worse_than_any_other_cuts(self) -> None:
        """Against a coarse grid of alternatives, no cuts have a smaller level error
        once the alert threshold is the fitted one."""
        points = _points(("none", 8), ("low", 22), ("none", 25), ("medium", 41),
                         ("low", 44), ("high", 58), ("critical", 61), ("high", 77),
                         ("critical", 88), ("none", 40), ("medium", 63))
        fit = fit_thresholds(points)
        err = level_error(points, fit.thresholds)
        t = fit.alert_threshold
        for m in range(int(t) + 1, 98, 3):
            for h in range(m + 1, 99, 3):
                for c in range(h + 1, 100, 3):
                    assert err <= level_error(points, (t, m, h, c)) + 1e-12

    def test_false_critical_costs_more_than_a_near_miss(self) -> None:
        """A quiet record high up the scale holds the critical cut above it."""
        points = _points(("high", 70), ("high", 75), ("none", 85), ("critical", 95))
        fit = fit_thresholds(points)
        assert fit.critical > 85

    def test_unalertable_records_stay_none(self) -> None:
        """A record without a political escalation signal is 'none' whatever the score."""
        points = [ScoredLabel("none", 90.0, False), ScoredLabel("high", 90.0, False)]
        assert accuracy(points, (10, 20, 30, 40)) == 0.5

    def test_unknown_level_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="unknown level"):
            fit_thresholds([ScoredLabel("severe", 50.0, True)])


def test_shipped_thresholds_are_the_fit_on_train(analyzer: Analyzer) -> None:
    """The ScoringOptions defaults are the fit on the train split of the precision set
    (within the tolerance of tools/fit_levels.py): refit after a scoring change."""
    data = select_split(read_dataset(ROOT / "tests" / "data" / "devnews.jsonl"), "train")
    points = score_records(analyzer, data)
    fit = fit_thresholds(points)
    o = ScoringOptions()
    shipped = (o.alert_threshold, o.medium, o.high, o.critical)
    assert level_error(points, shipped) <= level_error(points, fit.thresholds) + 0.01
