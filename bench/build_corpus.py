"""Build the benchmark corpora from openly licensed text (run once; output is git-ignored).

Two corpora of ``article.v1`` events, one JSON object per line:

* ``news600.jsonl`` — real-length news articles. Real sentences of the labelled
  development sets (PLOVER gold standard records, CC BY-SA 4.0; PETRARCH2 unit-test
  records, MIT; sentences of the openly licensed re3d documents) are shuffled with a
  fixed seed and concatenated into paragraphs of 3 to 5 units until an article holds at
  least ``--words`` words (600 by default, the length of a typical wire story). The seed
  article (``seeds/articles.jsonl``) is article 0, unchanged.
* ``re3d.jsonl`` — the 75 re3d documents exactly as published (UK Government, CENTCOM,
  US State Department, Australian DFAT press texts), a second corpus with natural
  document lengths.
* ``wikinews650.jsonl`` — real news articles of every kind cut to about 650 words
  (``tests/data/wikinews650.jsonl``, English Wikinews 2019-2020, CC BY 2.5, made by
  ``tools/collect_wikinews650.py``): the ordinary news the speed target is stated for,
  where ``news600`` is the dense worst case.

``manifest.json`` beside them records the seed, the input files with their SHA-256, the
licences, the word statistics and, for every generated article, the ids of the records
it was assembled from (attribution for CC BY-SA; the generated corpus is a derivative
shared under CC BY-SA 4.0).

Inputs are read from ``tests/data`` (verbatim copies of the shared data sets), or from
``--data DIR``. Only this script reads them; the benchmarks read the built corpus.

Usage::

    python bench/build_corpus.py                      # bench/corpus/, 200 articles
    python bench/build_corpus.py --articles 5 --out /tmp/tiny
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = ["Unit", "build", "load_units", "main", "make_articles"]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "corpus"
SEED_FILE = ROOT / "seeds" / "articles.jsonl"
# tests/data holds verbatim copies of the labelled data sets with their licences.
DATA_DIRS = (ROOT / "tests" / "data",)
SOURCES = {
    "plover_gsr.jsonl": "PLOVER gold standard records (openeventdata/PLOVER), CC BY-SA 4.0, "
                        "(c) 2016 Open Event Data Alliance",
    "petrarch_unittest.jsonl": "PETRARCH2 unit-test records (openeventdata/petrarch2), MIT",
    "re3d_open.jsonl": "re3d openly licensed subsets (dstl/re3d): OGL v3.0, US public domain, "
                       "CC BY 3.0 AU; licence per record in labels.license",
}
WIKINEWS_FILE = "wikinews650.jsonl"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])|\n\s*\n")


@dataclass(frozen=True, slots=True)
class Unit:
    """One reusable piece of real text: a sentence or a paragraph.

    Attributes:
        text: The text, whitespace-normalised.
        source_id: Id of the record it comes from.
        words: Number of whitespace-separated words.
    """

    text: str
    source_id: str
    words: int


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                obj = json.loads(line)
                if isinstance(obj, dict):
                    yield obj


def _unit(text: str, source_id: str) -> Unit | None:
    text = " ".join(text.split())
    words = len(_WORD.findall(text))
    return Unit(text, source_id, words) if words >= 4 else None


def find_data_dir(explicit: Path | None) -> Path:
    """The first folder that holds all input files.

    Raises:
        SystemExit: when no candidate folder has them.
    """
    candidates = (explicit,) if explicit else DATA_DIRS
    for folder in candidates:
        if folder is not None and all((folder / name).is_file() for name in SOURCES):
            return folder
    raise SystemExit(f"build_corpus: no folder with {', '.join(SOURCES)} among "
                     f"{', '.join(str(c) for c in candidates)}")


def load_units(data_dir: Path) -> list[Unit]:
    """Sentences of PLOVER, PETRARCH and re3d, in file order."""
    units: list[Unit] = []
    for name in ("plover_gsr.jsonl", "petrarch_unittest.jsonl"):
        for rec in _read_jsonl(data_dir / name):
            unit = _unit(str(rec.get("text", "")), str(rec["id"]))
            if unit:
                units.append(unit)
    for rec in _read_jsonl(data_dir / "re3d_open.jsonl"):
        # Split into sentences too: whole re3d paragraphs run to 500 words and would
        # overshoot the article length.
        for sentence in _SENTENCE_END.split(str(rec.get("text", ""))):
            unit = _unit(sentence, str(rec["id"]))
            if unit:
                units.append(unit)
    return units


def _cycle_shuffled(units: Sequence[Unit], rng: random.Random) -> Iterator[Unit]:
    # Each pass is a fresh permutation, so units repeat only after the pool is used up
    # and never in the same neighbours twice (by chance aside).
    while True:
        order = list(units)
        rng.shuffle(order)
        yield from order


def make_articles(units: Sequence[Unit], count: int, words: int, seed: int
                  ) -> list[tuple[dict[str, Any], list[str]]]:
    """Assemble ``count`` articles of at least ``words`` words each.

    Args:
        units: The pool of real sentences and paragraphs.
        count: How many articles.
        words: Minimum words per article.
        seed: Seed of the shuffle; the same seed gives the same corpus.

    Returns:
        (article.v1 event, ids of the records used) for each article.
    """
    if not units:
        raise ValueError("no text units to build articles from")
    rng = random.Random(seed)
    stream = _cycle_shuffled(units, rng)
    out: list[tuple[dict[str, Any], list[str]]] = []
    for index in range(count):
        paragraphs: list[str] = []
        used: list[str] = []
        total = 0
        while total < words:
            para: list[str] = []
            for _ in range(rng.randint(3, 5)):
                unit = next(stream)
                para.append(unit.text)
                used.append(unit.source_id)
                total += unit.words
                if total >= words:
                    break
            paragraphs.append(" ".join(para))
        title = " ".join(paragraphs[0].split()[:10]).rstrip(",.;:")
        event = {
            "schema": "article.v1",
            "id": f"bench-news-{index + 1:05d}",
            "title": title,
            "text": "\n\n".join(paragraphs),
            "source": "escwatch-bench",
            "language": "en",
            "published_at": (EPOCH + timedelta(minutes=37 * index))
            .isoformat().replace("+00:00", "Z"),
        }
        out.append((event, sorted(set(used))))
    return out


def _re3d_events(data_dir: Path) -> list[dict[str, Any]]:
    events = []
    for rec in _read_jsonl(data_dir / "re3d_open.jsonl"):
        labels = rec.get("labels") or {}
        event: dict[str, Any] = {"schema": "article.v1", "id": str(rec["id"]),
                                 "text": str(rec["text"]), "language": "en",
                                 "source": str(labels.get("subset") or "re3d")}
        if labels.get("title"):
            event["title"] = str(labels["title"])[:4096]
        if labels.get("url"):
            event["url"] = str(labels["url"])[:8192]
        events.append(event)
    return events


def _wikinews_events(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / WIKINEWS_FILE
    if not path.is_file():
        return []
    return [{"schema": "article.v1", "id": str(rec["id"]), "text": str(rec["text"]),
             "title": str(rec["title"])[:4096], "url": str(rec["url"])[:8192],
             "published_at": str(rec["published_at"]), "language": "en",
             "source": "Wikinews"} for rec in _read_jsonl(path)]


def _seed_article() -> dict[str, Any] | None:
    if not SEED_FILE.is_file():
        return None
    for obj in _read_jsonl(SEED_FILE):
        return obj
    return None


def _write_jsonl(path: Path, events: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for event in events:
            handle.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")


def _stats(events: Sequence[dict[str, Any]]) -> dict[str, float]:
    counts = sorted(len(_WORD.findall(e["text"])) for e in events)
    if not counts:
        return {"articles": 0}
    return {"articles": len(counts), "words_total": sum(counts),
            "words_mean": round(sum(counts) / len(counts), 1),
            "words_min": counts[0], "words_median": counts[len(counts) // 2],
            "words_max": counts[-1]}


def build(out: Path, *, articles: int = 200, words: int = 600, seed: int = 20240101,
          data_dir: Path | None = None) -> dict[str, Any]:
    """Write ``news600.jsonl``, ``re3d.jsonl``, ``wikinews650.jsonl`` (when its input is
    there) and ``manifest.json`` to ``out``.

    Args:
        out: Target folder (created).
        articles: Generated articles in the news corpus (the seed article comes on top).
        words: Minimum words per generated article.
        seed: Shuffle seed.
        data_dir: Folder of the input JSONL files; default: tests/data.

    Returns:
        The manifest.
    """
    folder = find_data_dir(data_dir)
    units = load_units(folder)
    made = make_articles(units, articles, words, seed)
    news = [event for event, _ in made]
    seed_event = _seed_article()
    if seed_event is not None:
        news.insert(0, seed_event)
    re3d = _re3d_events(folder)
    wikinews = _wikinews_events(folder)
    out.mkdir(parents=True, exist_ok=True)
    _write_jsonl(out / "news600.jsonl", news)
    _write_jsonl(out / "re3d.jsonl", re3d)
    if wikinews:
        _write_jsonl(out / "wikinews650.jsonl", wikinews)
    manifest = {
        "seed": seed,
        "words_per_article": words,
        "data_dir": str(folder),
        "inputs": {name: {"sha256": hashlib.sha256((folder / name).read_bytes()).hexdigest(),
                          "licence": text} for name, text in SOURCES.items()},
        "units": len(units),
        "corpora": {"news600": _stats(news), "re3d": _stats(re3d),
                    **({"wikinews650": _stats(wikinews)} if wikinews else {})},
        "licence": "news600.jsonl is a derivative of CC BY-SA 4.0 text and is shared under "
                   "CC BY-SA 4.0; re3d.jsonl keeps each record's own licence; "
                   "wikinews650.jsonl is Wikinews text under CC BY 2.5",
        "provenance": {event["id"]: used for event, used in made},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the corpora and print their statistics."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--articles", type=int, default=200, help="generated news articles")
    parser.add_argument("--words", type=int, default=600, help="minimum words per article")
    parser.add_argument("--seed", type=int, default=20240101, help="shuffle seed")
    parser.add_argument("--data", type=Path, default=None,
                        help="folder with plover_gsr/petrarch_unittest/re3d_open JSONL")
    args = parser.parse_args(argv)
    manifest = build(args.out, articles=args.articles, words=args.words, seed=args.seed,
                     data_dir=args.data)
    for name, stats in manifest["corpora"].items():
        print(f"{args.out / (name + '.jsonl')}: {json.dumps(stats)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
