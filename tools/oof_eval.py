"""Train-split precision figures with out-of-fold article domains, for tuning rules honestly.

The shipped domain classifier was trained on the train split, so on train it
knows every article's domain and the domain damping looks better there than it
is on unseen news. This tool trains five classifiers, each on four fifths of
the train split (same recipe as ``tools/train_domain.py``, L2 from the shipped
model), analyses every train article with the classifier that never saw it, and
prints the per-domain alert rates and conflict detection the way ``escwatch
eval`` does. Tune agency and sense rules against these figures, then check the
dev split once.

Usage::

    python tools/oof_eval.py                 # the table
    python tools/oof_eval.py --show crime    # also each false alert of a domain
    python tools/oof_eval.py --show missed   # also each missed conflict article
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import train_domain  # noqa: E402

from streams.core.analyze import Analyzer  # noqa: E402
from streams.core.model import Article  # noqa: E402
from streams.knowledge.loader import load_knowledge  # noqa: E402

FOLDS = 5
ARMED = "Armed conflicts and attacks"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", metavar="DOMAIN",
                        help="list the false alerts of DOMAIN, or 'missed' conflict articles")
    args = parser.parse_args(argv)
    records = train_domain.load(train_domain.DATA, "train")
    kb = load_knowledge()
    header = json.loads(next(line for line in train_domain.OUT.read_text(encoding="utf-8")
                             .splitlines() if line.startswith("{")))
    l2 = float(header.get("l2", 1e-3))
    index = list(range(len(records)))
    random.Random(7).shuffle(index)
    examples = train_domain.examples(records)
    n: Counter[str] = Counter()
    alerts: Counter[str] = Counter()
    critical: Counter[str] = Counter()
    wanted = found = armed_wanted = armed_found = 0
    for fold in range(FOLDS):
        held = set(index[fold::FOLDS])
        bias, weights = train_domain.train([examples[i] for i in index if i not in held], l2)
        model = train_domain.to_model(bias, weights)
        analyzer = Analyzer(dataclasses.replace(kb, domain_model=model))
        for i in sorted(held):
            r = records[i]
            labels = r["labels"]
            assert isinstance(labels, dict)
            if labels.get("hard_negative"):
                continue
            a = analyzer.analyze(Article(id=str(r["id"]), text=str(r["text"]),
                                         title=str(r.get("title") or "") or None,
                                         published_at=r.get("published_at")))  # type: ignore[arg-type]
            d = str(labels["domain"])
            n[d] += 1
            alerts[d] += a.alert is not None
            critical[d] += a.alert is not None and a.alert.level == "critical"
            if d == "politics_conflict" and labels["should_alert"]:
                wanted += 1
                found += a.alert is not None
            if labels.get("upstream_category") == ARMED and labels["should_alert"]:
                armed_wanted += 1
                armed_found += a.alert is not None
            shown = (args.show == "missed" and labels["should_alert"] and a.alert is None
                     and d == "politics_conflict") or (
                args.show == d and a.alert is not None and not labels["should_alert"])
            if shown:
                print(f"--- {r['id']} [{a.domain}] {str(r['text'])[:300]!r}")
                for s in a.signals:
                    if s.polarity == "escalation":
                        print(f"    {s.type} {s.trigger!r} {s.modality} political={s.political}"
                              f" {s.political_reason or ''} src={s.source} tgt={s.target}")
    print(f"{'domain':<20} {'n':>5} {'alert rate':>11} {'critical':>9}")
    for d in sorted(n):
        print(f"{d:<20} {n[d]:>5} {alerts[d] / n[d]:>11.1%} {critical[d] / n[d]:>9.1%}")
    print(f"conflict detection (out of fold): {found}/{wanted} = {found / wanted:.1%}")
    print(f"armed-conflict detection (out of fold): {armed_found}/{armed_wanted} = "
          f"{armed_found / armed_wanted:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
