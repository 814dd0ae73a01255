"""Build ``tests/data/modality.jsonl``: verbatim news sentences with hand-labelled triggers.

Two steps, both deterministic:

``candidates``
    Split the records of ``tests/data/devnews.jsonl`` whose domain is
    ``politics_conflict``, ``crime``, ``business``, ``disaster`` or ``other`` (both
    splits, hard negatives left out) into sentences and list them as ``parent id<TAB>
    split<TAB>sentence number<TAB>cue group<TAB>sentence``, the cue group naming the
    first kind of modality cue word the sentence holds (if/unless, negation, future
    markers, modal verbs), else ``asserted``. The list is only a reading aid: it decides
    which sentences are read, never their labels.
``build``
    Read the hand labels of ``tools/modality_labels.tsv`` and write the set. Each label
    line is ``parent id<TAB>sentence number<TAB>trigger<TAB>occurrence<TAB>type<TAB>
    polarity<TAB>modality``: the trigger as it stands in the sentence, and which of its
    occurrences (1 = first) is meant. The offsets are computed from that, and the build
    fails when a trigger is not found, so ``text[start:end] == trigger`` always holds.

Usage::

    python tools/build_modality_set.py candidates > .cache/modality-candidates.tsv
    python tools/build_modality_set.py build
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEVNEWS = ROOT / "tests" / "data" / "devnews.jsonl"
LABELS = ROOT / "tools" / "modality_labels.tsv"
OUT = ROOT / "tests" / "data" / "modality.jsonl"

WANTED_DOMAINS = frozenset({"politics_conflict", "crime", "other", "business", "disaster"})
MODALITIES = ("asserted", "hypothetical", "conditional", "negated", "future")
POLARITIES = ("escalation", "de-escalation")

# A sentence ends at . ! or ? followed by space and a capital or a quote, unless the
# word before is a common abbreviation or a single capital (an initial).
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Capt|Rep|Sen|Gov|Prof|St|Jr|Sr|No|vs|U\.S|U\.N|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Inc|Ltd|Co|Corp)|\b[A-Z])\.$"
)
_END = re.compile(r"(?<=[.!?])[\"\u201d']?\s+(?=[\"\u201c'A-Z0-9])")

CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("conditional", re.compile(r"\b(?:if|unless|provided that|in case|should\b.*\bthen)\b", re.I)),
    ("negated", re.compile(
        r"\b(?:not|no|never|denied|denies|deny|refused|refuses|rejected|without|"
        r"failed to|declined to|called off|ruled out)\b|n't\b", re.I)),
    ("future", re.compile(
        r"\b(?:will|plans? to|planned to|planning to|is to|are to|is set to|are set to|"
        r"intends? to|announced (?:it|they|that)|is expected to|are expected to|"
        r"scheduled|next (?:week|month|year))\b", re.I)),
    ("hypothetical", re.compile(
        r"\b(?:may|might|could|would|possible|possibly|threat(?:en(?:s|ed)?)? (?:of|to)|"
        r"call(?:s|ed)? for|urged?|fears?|feared|warn(?:s|ed)?|proposed?|demand(?:s|ed)?|"
        r"likely|potential)\b", re.I)),
)


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, paragraph by paragraph."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n", text):
        para = para.strip()
        if not para:
            continue
        start = 0
        for m in _END.finditer(para):
            piece = para[start:m.start()].rstrip()
            if _ABBREV.search(piece):
                continue
            out.append(para[start:m.start()].strip())
            start = m.end()
        out.append(para[start:].strip())
    return [s for s in out if s]


def _records() -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    with DEVNEWS.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                records[record["id"]] = record
    return records


def candidates() -> None:
    for rid, record in _records().items():
        labels = record["labels"]
        if labels.get("hard_negative") or labels.get("domain") not in WANTED_DOMAINS:
            continue
        for number, sentence in enumerate(sentences(record["text"]), 1):
            if not 30 <= len(sentence) <= 420:
                continue
            groups = [name for name, pattern in CUES if pattern.search(sentence)]
            group = groups[0] if groups else "asserted"
            print(f"{rid}\t{record['split']}\t{number}\t{group}\t{sentence}")


def _find(text: str, trigger: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.find(trigger, start + 1)
        if start < 0:
            return -1
    return start


def build(labels_path: Path, out_path: Path) -> None:
    records = _records()
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    order: list[tuple[str, int]] = []
    problems: list[str] = []
    for number, line in enumerate(labels_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 7:
            problems.append(f"{labels_path}:{number}: expected 7 fields, got {len(fields)}")
            continue
        parent, sent, trigger, occ, kind, polarity, modality = fields
        if parent not in records:
            problems.append(f"{labels_path}:{number}: unknown parent {parent}")
            continue
        if polarity not in POLARITIES or modality not in MODALITIES:
            problems.append(f"{labels_path}:{number}: bad polarity or modality")
            continue
        split = sentences(records[parent]["text"])
        index = int(sent)
        if not 1 <= index <= len(split):
            problems.append(f"{labels_path}:{number}: no sentence {index} in {parent}")
            continue
        text = split[index - 1]
        start = _find(text, trigger, int(occ))
        if start < 0:
            problems.append(f"{labels_path}:{number}: trigger {trigger!r} not in sentence")
            continue
        key = (parent, index)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append({"type": kind, "polarity": polarity, "modality": modality,
                            "trigger": trigger, "start": start, "end": start + len(trigger)})
    if problems:
        sys.exit("\n".join(problems))
    counts: Counter[str] = Counter()
    lines = []
    for parent, index in order:
        record = records[parent]
        events = sorted(groups[(parent, index)], key=lambda e: (e["start"], e["end"]))
        counts.update(e["modality"] for e in events)
        lines.append(json.dumps({
            "id": f"mod-{parent}-{index}",
            "text": sentences(record["text"])[index - 1],
            "published_at": record.get("published_at"),
            "labels": {"events": events, "entities": []},
            "source": {"parent_id": parent, "parent_split": record["split"],
                       "url": record["url"], "licence": record["licence"]},
        }, ensure_ascii=False))
    out_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    splits = Counter(records[p]["split"] for p, _ in order)
    print(f"{len(lines)} sentences, {sum(counts.values())} triggers: {dict(counts)}; "
          f"parents by split: {dict(splits)}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    sub.add_parser("candidates", help="list candidate sentences (a reading aid)")
    b = sub.add_parser("build", help="write tests/data/modality.jsonl from the hand labels")
    b.add_argument("--labels", type=Path, default=LABELS)
    b.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.step == "candidates":
        candidates()
    else:
        build(args.labels, args.out)


if __name__ == "__main__":
    main()
