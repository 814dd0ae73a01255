"""Build ``tests/data/freshnews.jsonl``: a held-back check set of Current events items.

``tools/label_devnews.py`` keeps a fixed number of Current events items per upstream
heading, the first ones in the order of the SHA-1 of their ids. This tool takes the
**next** ones in the same order (``FRESH_QUOTA`` per heading; no look at the text), so
none of them is in ``devnews.jsonl``; items whose text gave a hard negative there, or
that repeat a development text word for word (an item filed on two days), are left out.
They were labelled by reading, with the label meanings of ``tests/data/README.md``,
before the system was run on any of them, and they are meant to be evaluated, never
tuned on: ``escwatch eval tests/data/freshnews.jsonl``.

Usage::

    python tools/build_freshnews.py --candidates .cache/devnews-candidates.jsonl \
        --to-label .cache/fresh-to-label.tsv      # the texts to read, one per line
    python tools/build_freshnews.py --candidates .cache/devnews-candidates.jsonl \
        --out tests/data/freshnews.jsonl          # with tools/freshnews_labels.tsv
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import label_devnews

LABELS = Path(__file__).resolve().parent / "freshnews_labels.tsv"
DEVNEWS = Path(__file__).resolve().parents[1] / "tests" / "data" / "devnews.jsonl"
HARD_NEGATIVES = Path(__file__).resolve().parent / "devnews_hard_negatives.tsv"
FRESH_QUOTA = {
    "armed conflicts and attacks": 50,
    "politics and elections": 25,
    "international relations": 25,
    "law and crime": 45,
    "disasters and accidents": 40,
    "business and economy": 45,
    "science and technology": 32,
    "sports": 45,
    "arts and culture": 30,
    "health and environment": 25,
}


def choose_fresh(candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items after each heading's development quota, in the same hash order,
    less those whose text gave a hard negative of the development set."""
    used = {row[0] for row in label_devnews._read_tsv(HARD_NEGATIVES, 3)}
    seen = {json.loads(line)["text"] for line in
            DEVNEWS.read_text(encoding="utf-8").splitlines() if line.strip()}
    by_group: dict[str, list[dict[str, Any]]] = {}
    for record in candidates:
        if record["id"].startswith("cev-"):
            group = label_devnews.heading_group(record["upstream_category"] or "")
            by_group.setdefault(group, []).append(record)
    chosen: list[dict[str, Any]] = []
    for group, quota in FRESH_QUOTA.items():
        pool = sorted(by_group.get(group, []),
                      key=lambda r: hashlib.sha1(r["id"].encode()).digest())
        start = label_devnews.QUOTA[group]
        chosen.extend(r for r in pool[start:start + quota] if r["id"] not in used
                      and r["text"] not in seen)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=Path, required=True)
    parser.add_argument("--to-label", type=Path, help="write id, heading, title and text")
    parser.add_argument("--out", type=Path, help="write the labelled JSONL")
    args = parser.parse_args(argv)
    candidates = [json.loads(x) for x in
                  args.candidates.read_text(encoding="utf-8").splitlines() if x.strip()]
    fresh = choose_fresh(candidates)
    if args.to_label:
        with args.to_label.open("w", encoding="utf-8") as out:
            for r in fresh:
                text = " ".join(str(r["text"]).split())
                out.write(f"{r['id']}\t{r['upstream_category']}\t{r.get('title') or ''}\t"
                          f"{text}\n")
    if args.out:
        labels = {row[0]: row[1:] for row in label_devnews._read_tsv(LABELS, 3)}
        missing = [r["id"] for r in fresh if r["id"] not in labels]
        if missing:
            raise SystemExit(f"{len(missing)} fresh records have no label, e.g. {missing[:3]}")
        with args.out.open("w", encoding="utf-8") as out:
            for r in fresh:
                domain, level = labels[r["id"]]
                if domain not in label_devnews.DOMAINS:
                    raise SystemExit(f"{r['id']}: unknown domain {domain!r}")
                lvl = None if level == "-" else level
                if lvl is not None and lvl not in label_devnews.LEVELS:
                    raise SystemExit(f"{r['id']}: unknown level {level!r}")
                record = {key: r[key] for key in ("id", "title", "text", "published_at",
                                                  "url", "licence", "source") if key in r}
                record["split"] = "fresh"
                record["labels"] = {"domain": domain, "should_alert": lvl is not None,
                                    "level": lvl, "upstream_category": r["upstream_category"],
                                    "hand_checked": True}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
