"""Alert rates on the unlabelled Portal:Current events items, per portal heading.

A weakly labelled check on thousands of short news items that neither
``tests/data/devnews.jsonl`` nor ``tests/data/freshnews.jsonl`` holds: the heading the
portal files an item under ("Sports", "Disasters and accidents", "Armed conflicts and
attacks") stands in for a label; the story bullet it sits under is its title, as in
``devnews.jsonl``. No item is hand-labelled, so the figures are rates, not
precision: a sport or disaster item should rarely alert, an armed-conflict item usually
should (though not always: talks, prisoner exchanges and shipping news are filed there too).

Build the candidates first (see ``tests/data/README.md``)::

    python tools/collect_devnews.py --portal DIR --wikinews-csv DIR --wikinews-sum DIR \\
        --out .cache/devnews-candidates.jsonl
    python tools/portal_check.py .cache/devnews-candidates.jsonl [--show HEADING]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.core.analyze import Analyzer  # noqa: E402
from streams.core.model import Article  # noqa: E402
from streams.knowledge.loader import load_knowledge  # noqa: E402

LABELLED = (ROOT / "tests" / "data" / "devnews.jsonl", ROOT / "tests" / "data" / "freshnews.jsonl")
# Spelling variants of the portal's headings.
HEADINGS = {"Law and Crime": "Law and crime", "Attacks and armed conflicts":
            "Armed conflicts and attacks", "Disaster and accidents": "Disasters and accidents",
            "Disasters and incidents": "Disasters and accidents",
            "Business and econony": "Business and economy",
            "Science and Technology": "Science and technology"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("candidates", type=Path, help="output of tools/collect_devnews.py")
    parser.add_argument("--show", metavar="HEADING", help="print the alerts of one heading")
    args = parser.parse_args(argv)
    seen: set[str] = set()
    for path in LABELLED:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line:
                r = json.loads(line)
                seen.update((str(r["id"]), str(r["text"])))
    analyzer = Analyzer(load_knowledge())
    n: Counter[str] = Counter()
    levels: Counter[tuple[str, str]] = Counter()
    for line in args.candidates.read_text(encoding="utf-8").splitlines():
        r = json.loads(line) if line else None
        if not r or not str(r["id"]).startswith("cev-") or r["id"] in seen or r["text"] in seen:
            continue
        seen.add(str(r["text"]))
        heading = str(r.get("upstream_category"))
        heading = HEADINGS.get(heading, heading)
        a = analyzer.analyze(Article(id=str(r["id"]), text=str(r["text"]),
                                     title=str(r.get("title") or "") or None,
                                     published_at=r.get("published_at")))
        n[heading] += 1
        if a.alert is not None:
            levels[(heading, a.alert.level)] += 1
            if args.show == heading:
                print(f"{a.alert.level:<8} {str(r['text'])[:200]!r}")
    print(f"{'portal heading':<30} {'items':>6} {'alerts':>8} {'high':>6} {'critical':>9}")
    for heading, count in n.most_common():
        total = sum(v for (h, _), v in levels.items() if h == heading)
        print(f"{heading:<30} {count:>6} {total / count:>8.1%} "
              f"{levels[(heading, 'high')] / count:>6.1%} "
              f"{levels[(heading, 'critical')] / count:>9.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
