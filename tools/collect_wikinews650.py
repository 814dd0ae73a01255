"""Collect real 650-word news articles for the core speed benchmark.

Reads the English Wikinews articles of 2019 and 2020 scraped to CSV by
vanatteveldt/wikinews (``data/wikinews_2019.csv`` and ``data/wikinews_2020.csv``,
CC BY 2.5, (c) Wikinews contributors) from a git snapshot of that repository and writes
``tests/data/wikinews650.jsonl``: every article of at least :data:`WORDS` words, its
text cut at the first sentence end at or after :data:`WORDS` words, so each record is
one real news article of about 650 words. No word is changed; the date line that opens
each scraped text is dropped.

The benchmark corpus of dense event sentences (``news600``) is a worst case for the
core; this one is ordinary news of every kind, as the speed target is stated for it.
Used only by ``bench/build_corpus.py`` (speed, never quality: these articles overlap the
Wikinews part of ``devnews.jsonl``).

Usage::

    python tools/collect_wikinews650.py --repo GITDIR [--out tests/data/wikinews650.jsonl]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "data" / "wikinews650.jsonl"
FILES = ("data/wikinews_2019.csv", "data/wikinews_2020.csv")
WORDS = 650
LICENCE = "CC BY 2.5 (https://creativecommons.org/licenses/by/2.5/), Wikinews contributors"

# The scraped text opens with the article's date line ("Friday, January 4, 2019").
_DATE_LINE = re.compile(r"\A\s*[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}\s*")
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019)]?(?=\s)")
_WORD = re.compile(r"\S+")


def _show(gitdir: Path, commit: str, path: str) -> str:
    return subprocess.run(["git", f"--git-dir={gitdir}", "show", f"{commit}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def cut(text: str, words: int = WORDS) -> str | None:
    """``text`` up to the first sentence end at or after ``words`` words, or None when shorter."""
    for count, m in enumerate(_WORD.finditer(text), 1):
        if count >= words:
            end = _SENTENCE_END.search(text, m.start())
            return text[:end.end()] if end else None
    return None


def records(gitdir: Path) -> Iterator[dict[str, str]]:
    """One record per article long enough, in file order."""
    commit = subprocess.run(["git", f"--git-dir={gitdir}", "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    for path in FILES:
        for row in csv.DictReader(io.StringIO(_show(gitdir, commit, path))):
            body = _DATE_LINE.sub("", row["text"]).strip()
            text = cut(re.sub(r"\n\s*\n+", "\n\n", body))
            if text is None:
                continue
            ident = "wn650-" + hashlib.sha256(row["url"].encode()).hexdigest()[:12]
            yield {"id": ident, "title": row["title"], "text": text,
                   "published_at": f"{row['date']}T12:00:00Z", "url": row["url"],
                   "licence": LICENCE,
                   "source": f"vanatteveldt/wikinews@{commit}:{path}"}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the file; print how many articles and their mean length."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True,
                        help="git directory of a vanatteveldt/wikinews snapshot")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = list(records(args.repo))
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    words = [len(r["text"].split()) for r in rows]
    print(f"{args.out}: {len(rows)} articles, {sum(words) / max(1, len(words)):.1f} words mean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
