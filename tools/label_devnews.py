"""Build ``tests/data/devnews.jsonl`` from the collected candidates and the hand labels.

Steps (all deterministic):

1. choose the records: every Wikinews article, and from the Current events items a fixed
   number per upstream heading, picked by the hash of the id (no look at the text);
2. propose labels: the domain from the upstream heading (Wikinews articles without a
   category start as ``other``), and ``level`` from a few cue words, only as a starting
   point for reading;
3. apply the hand labels of ``tools/devnews_labels.tsv`` (``id<TAB>domain<TAB>level``, ``-``
   for no level), written by reading each record's title and lead; a record whose label was
   read and left as proposed is listed too, so the file names every record that was read;
4. add the hard negatives of ``tools/devnews_hard_negatives.tsv``
   (``parent id<TAB>kind<TAB>sentence``): sentences taken verbatim from the collected texts;
5. assign ``split`` from the hash of the id (70 % train, 30 % dev).

Usage::

    python tools/label_devnews.py --candidates .cache/devnews-candidates.jsonl \
        --out tests/data/devnews.jsonl [--proposals .cache/devnews-proposals.tsv]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

DOMAINS = (
    "politics_conflict",
    "crime",
    "disaster",
    "business",
    "science_technology",
    "sport",
    "entertainment",
    "other",
)
LEVELS = ("low", "medium", "high", "critical")
HARD_NEGATIVE_KINDS = ("figurative", "sport", "science_technology", "crime", "non_event")

HEADING_DOMAIN = {
    "armed conflicts and attacks": "politics_conflict",
    "attacks and armed conflicts": "politics_conflict",
    "politics and elections": "politics_conflict",
    "international relations": "politics_conflict",
    "law and crime": "crime",
    "disasters and accidents": "disaster",
    "disaster and accidents": "disaster",
    "disasters and incidents": "disaster",
    "business and economy": "business",
    "business and econony": "business",
    "science and technology": "science_technology",
    "sports": "sport",
    "arts and culture": "entertainment",
    "health and environment": "other",
}
# Items taken per heading group from the Current events pages.
QUOTA = {
    "armed conflicts and attacks": 190,
    "politics and elections": 70,
    "international relations": 70,
    "law and crime": 170,
    "disasters and accidents": 150,
    "business and economy": 150,
    "science and technology": 150,
    "sports": 170,
    "arts and culture": 130,
    "health and environment": 100,
}
WIKINEWS_CATEGORY = (
    ("Sports", "sport"),
    ("Crime and law", "crime"),
    ("Disasters and accidents", "disaster"),
    ("Economy and business", "business"),
    ("Science and technology", "science_technology"),
    ("Culture and entertainment", "entertainment"),
    ("Politics and conflicts", "politics_conflict"),
)

_CRITICAL = re.compile(
    r"\b(?:kill(?:s|ed|ing)?|dead|deaths?|massacre|airstrikes?|air strikes?|shell(?:ing|ed)|"
    r"bomb(?:ing|ed|ings)?|invade[sd]?|invasion|"
    r"launch(?:es|ed)? (?:an? )?(?:offensive|operation))\b",
    re.I,
)
_HIGH = re.compile(
    r"\b(?:attack(?:s|ed)?|strikes?|struck|drones?|missiles?|rockets?|clash(?:es|ed)?|"
    r"fighting|captures?|captured|sanctions?|ultimatum|deploy(?:s|ed|ment)?|mobili[sz]\w*|"
    r"seize[sd]?|shot down|intercept\w*)\b",
    re.I,
)
_MEDIUM = re.compile(
    r"\b(?:threat\w*|warns?|warned|demands?|demanded|protest\w*|riot\w*|tear gas|"
    r"would (?:respond|retaliate)|could (?:strike|attack))\b",
    re.I,
)
_LOW = re.compile(
    r"\b(?:condemn\w*|criticis\w*|criticiz\w*|denounc\w*|rejects?|rejected|accus\w*|"
    r"expels?|expelled|summons?|summoned|recalls? (?:its )?ambassador)\b",
    re.I,
)


def bucket(value: str, buckets: int = 10) -> int:
    """Stable bucket of a string (SHA-1, first 8 hex digits)."""
    return int(hashlib.sha1(value.encode()).hexdigest()[:8], 16) % buckets


def split_of(record_id: str) -> str:
    """``train`` for 7 of 10 hash buckets, else ``dev``."""
    return "train" if bucket("split:" + record_id) < 7 else "dev"


_GROUP_ALIASES = {
    "attacks and armed conflicts": "armed conflicts and attacks",
    "business and econony": "business and economy",
    "disaster and accidents": "disasters and accidents",
    "disasters and incidents": "disasters and accidents",
}


def heading_group(category: str) -> str:
    """The quota group of an upstream heading (headings vary in spelling across days)."""
    key = category.strip().lower()
    return _GROUP_ALIASES.get(key, key)


def propose(record: dict[str, Any]) -> tuple[str, str | None]:
    """Starting labels before reading: domain from the source, level from cue words."""
    category = record.get("upstream_category") or ""
    if record["id"].startswith("cev-"):
        domain = HEADING_DOMAIN.get(category.strip().lower(), "other")
    else:
        cats = category.split(";")
        domain = next((d for name, d in WIKINEWS_CATEGORY if name in cats), "other")
    if domain != "politics_conflict":
        return domain, None
    lead = f"{record.get('title', '')}. {record['text'][:400]}"
    for pattern, level in ((_CRITICAL, "critical"), (_HIGH, "high"), (_MEDIUM, "medium")):
        if pattern.search(lead):
            return domain, level
    return domain, "low" if _LOW.search(lead) else None


def choose(candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    chosen = [r for r in candidates if r["id"].startswith("wn-")]
    by_group: dict[str, list[dict[str, Any]]] = {}
    for record in candidates:
        if record["id"].startswith("cev-"):
            group = heading_group(record["upstream_category"] or "")
            by_group.setdefault(group, []).append(record)
    for group, quota in QUOTA.items():
        pool = sorted(
            by_group.get(group, []), key=lambda r: hashlib.sha1(r["id"].encode()).digest()
        )
        chosen.extend(pool[:quota])
    return chosen


def _read_tsv(path: Path, columns: int) -> list[list[str]]:
    rows = []
    if not path.is_file():
        return rows
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != columns:
            raise SystemExit(f"{path}:{number}: expected {columns} tab-separated columns")
        rows.append(parts)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--labels", type=Path, default=Path("tools/devnews_labels.tsv"))
    parser.add_argument(
        "--hard-negatives", type=Path, default=Path("tools/devnews_hard_negatives.tsv")
    )
    parser.add_argument("--proposals", type=Path, help="also write the proposals to read")
    args = parser.parse_args(argv)
    candidates = [json.loads(x) for x in args.candidates.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in candidates}
    chosen = choose(candidates)
    hand = {
        row[0]: (row[1], None if row[2] == "-" else row[2])
        for row in _read_tsv(args.labels, 3)
    }
    records = []
    proposals = []
    for record in chosen:
        domain, level = propose(record)
        proposals.append((record, domain, level))
        if record["id"] in hand:
            domain, level = hand[record["id"]]
        if domain not in DOMAINS or (level is not None and level not in LEVELS):
            raise SystemExit(f"{record['id']}: bad label {domain}/{level}")
        records.append(
            {
                "id": record["id"],
                "title": record["title"],
                "text": record["text"],
                "published_at": record["published_at"],
                "url": record["url"],
                "licence": record["licence"],
                "source": record["source"],
                "split": split_of(record["id"]),
                "labels": {
                    "domain": domain,
                    "should_alert": level is not None,
                    "level": level,
                    "upstream_category": record["upstream_category"],
                    "hand_checked": record["id"] in hand,
                },
            }
        )
    chosen_ids = {r["id"] for r in records}
    domain_of = {r["id"]: r["labels"]["domain"] for r in records}
    for number, (parent, kind, sentence) in enumerate(_read_tsv(args.hard_negatives, 3), 1):
        source = by_id.get(parent)
        if source is None or sentence not in source["text"]:
            raise SystemExit(f"hard negative {number}: sentence not found in {parent}")
        if kind not in HARD_NEGATIVE_KINDS:
            raise SystemExit(f"hard negative {number}: unknown kind {kind}")
        hid = f"hn-{hashlib.sha1((parent + sentence).encode()).hexdigest()[:12]}"
        records.append(
            {
                "id": hid,
                "title": "",
                "text": sentence,
                "published_at": source["published_at"],
                "url": source["url"],
                "licence": source["licence"],
                "source": source["source"],
                "split": split_of(parent),
                "labels": {
                    "domain": domain_of.get(parent) or propose(source)[0],
                    "should_alert": False,
                    "level": None,
                    "hard_negative": True,
                    "kind": kind,
                    "parent_id": parent,
                    "parent_in_set": parent in chosen_ids,
                    "hand_checked": True,
                },
            }
        )
    args.out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    if args.proposals:
        with args.proposals.open("w", encoding="utf-8") as out:
            for record, domain, level in proposals:
                lead = re.sub(r"\s+", " ", record["text"])[:260]
                out.write(f"{record['id']}\t{domain}\t{level or '-'}\t{record['title']}\t{lead}\n")
    sys.stderr.write(f"{len(records)} records written to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
