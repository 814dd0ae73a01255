"""Fit the alert-level score thresholds on the train split of the precision set.

Analyses the ``train`` records of ``tests/data/devnews.jsonl`` with the packaged
knowledge, fits the four thresholds of ``ScoringOptions`` (alert, medium, high,
critical) so that most records land in their labelled level (see
:mod:`streams.evaluation.calibration`), and prints the fit beside the shipped
thresholds, on train and on dev. The dev split is never used for the fit.

Usage::

    python tools/fit_levels.py            # print the table
    python tools/fit_levels.py --check    # exit 1 when the shipped thresholds are off the fit
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.core.analyze import Analyzer  # noqa: E402
from streams.core.scoring import ScoringOptions  # noqa: E402
from streams.evaluation.calibration import (  # noqa: E402
    accuracy,
    fit_thresholds,
    level_error,
    score_records,
)
from streams.evaluation.datasets import read_dataset, select_split  # noqa: E402
from streams.knowledge.loader import load_knowledge  # noqa: E402

DATA = ROOT / "tests" / "data" / "devnews.jsonl"
# The shipped thresholds may trail the fit by this much mean level error on
# train: a plateau of equally good cuts is common, and one relabelled record
# should not force a change of the product's levels.
TOLERANCE = 0.01


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the shipped thresholds trail the fit by more than "
                             f"{TOLERANCE} mean level error on train")
    args = parser.parse_args(argv)
    analyzer = Analyzer(load_knowledge())
    data = read_dataset(DATA)
    train = score_records(analyzer, select_split(data, "train"))
    dev = score_records(analyzer, select_split(data, "dev"))
    fit = fit_thresholds(train)
    o = ScoringOptions()
    shipped = (o.alert_threshold, o.medium, o.high, o.critical)
    print(f"{'thresholds':<10} {'alert':>6} {'medium':>7} {'high':>6} {'critical':>9}"
          f" {'train err':>10} {'dev err':>8} {'train acc':>10} {'dev acc':>8}")
    for name, cuts in (("fitted", fit.thresholds), ("shipped", shipped)):
        print(f"{name:<10} {cuts[0]:>6g} {cuts[1]:>7g} {cuts[2]:>6g} {cuts[3]:>9g}"
              f" {level_error(train, cuts):>10.3f} {level_error(dev, cuts):>8.3f}"
              f" {accuracy(train, cuts):>10.1%} {accuracy(dev, cuts):>8.1%}")
    print(f"(train n={len(train)}, dev n={len(dev)}; err = mean level steps between given and "
          "labelled level, none = 0 ... critical = 4; acc counts 'none' as a level)")
    if args.check and level_error(train, shipped) > level_error(train, fit.thresholds) + TOLERANCE:
        print("shipped thresholds trail the fit: copy the fitted row into ScoringOptions",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
