"""Collect openly licensed news texts into candidate records for ``tests/data/devnews.jsonl``.

Reads three upstream git snapshots (paths given on the command line) and writes one JSON
object per line with the text, its provenance and licence, and the upstream category:

* ``--portal GITDIR``: daily copies of Wikipedia's "Portal:Current events" pages
  (fordred/wikinews, ``docs/_posts/*.md``), CC BY-SA 4.0. Each leaf bullet is one news item;
  its heading ("Armed conflicts and attacks", "Sports", ...) is the upstream category and the
  nearest parent bullet (the story it belongs to) is its title.
* ``--wikinews-csv GITDIR``: English Wikinews articles of 2019 and 2020
  (vanatteveldt/wikinews, ``data/*.csv``), CC BY 2.5.
* ``--wikinews-sum GITDIR``: English Wikinews articles of 2004-2005 with their categories
  (airKlizz/WikinewsSum, ``endataset.json`` at commit 1d98503), wikitext cleaned to plain
  text; CC BY 2.5, or public domain where the article carries ``{{PD-Article}}``.

The labels (domain, should_alert, level, hard negatives) are added afterwards by
``tools/label_devnews.py``; this script only gathers text.

Usage::

    python tools/collect_devnews.py --portal DIR --wikinews-csv DIR --wikinews-sum DIR \
        --out .cache/devnews-candidates.jsonl
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MAX_CHARS = 2500
CC_BY_SA_4 = (
    "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/), Wikipedia contributors"
)
CC_BY_25 = "CC BY 2.5 (https://creativecommons.org/licenses/by/2.5/), Wikinews contributors"
PD_WIKINEWS = "Public domain (Wikinews {{PD-Article}}), Wikinews contributors"
WIKINEWS_SUM_COMMIT = "1d985031625909c908766812e8a18d0c88116ec8"

_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))+(?:\s+\"[^\"]*\")?\)")
_CITATION = re.compile(r"\s*\[\(\*?[^\]]*?\*?\)\]\([^)]*\)")
_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


def _git(gitdir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={gitdir}", *args], check=True, capture_output=True, text=True
    ).stdout


def _trim(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text).strip()
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind(". ", 0, MAX_CHARS)
    return text[: cut + 1] if cut > MAX_CHARS // 2 else text[:MAX_CHARS]


def _short_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"


def _md_plain(line: str) -> str:
    line = _CITATION.sub("", line)
    line = _LINK.sub(lambda m: m.group(1), line)
    line = line.replace("*", "").replace("\u200c", "")
    return re.sub(r"\s+", " ", line).strip()


def portal_items(gitdir: Path) -> Iterator[dict[str, Any]]:
    """One record per leaf bullet of each daily Current events page."""
    commit = _git(gitdir, "rev-parse", "HEAD").strip()
    paths = [
        p
        for p in _git(gitdir, "ls-tree", "-r", "--name-only", "HEAD", "docs/_posts").split()
        if re.search(r"/\d{4}-\d{2}-\d{2}-index\.md$", p)
    ]
    for path in sorted(paths):
        day = re.search(r"(\d{4})-(\d{2})-(\d{2})", path)
        assert day is not None
        year, month, dom = day.groups()
        page = f"{year}_{_MONTHS[int(month) - 1]}_{int(dom)}"
        url = f"https://en.wikipedia.org/wiki/Portal:Current_events/{page}"
        heading = None
        stack: list[tuple[int, str]] = []
        lines = _git(gitdir, "show", f"HEAD:{path}").splitlines()
        bullets: list[tuple[str | None, int, str, bool]] = []
        for raw in lines:
            if raw.startswith("#### "):
                heading = raw[5:].strip()
                continue
            m = re.match(r"^(\s*)[*+-] (.*)$", raw)
            if not m or heading is None:
                continue
            indent = len(m.group(1))
            body = m.group(2)
            has_source = bool(_CITATION.search(body))
            bullets.append((heading, indent, body, has_source))
        for number, (head, indent, body, has_source) in enumerate(bullets):
            while stack and stack[-1][0] >= indent:
                stack.pop()
            text = _md_plain(body)
            if has_source and len(text) > 40:
                title = stack[-1][1] if stack else ""
                yield {
                    "id": _short_id("cev", f"{path}:{number}:{text[:60]}"),
                    "title": title,
                    "text": _trim(text),
                    "published_at": f"{year}-{month}-{dom}T12:00:00Z",
                    "url": url,
                    "licence": CC_BY_SA_4,
                    "source": f"fordred/wikinews@{commit}:{path}",
                    "upstream_category": head,
                }
            stack.append((indent, text))


def wikinews_csv(gitdir: Path) -> Iterator[dict[str, Any]]:
    """Wikinews articles scraped to CSV (url, date, title, text)."""
    commit = _git(gitdir, "rev-parse", "HEAD").strip()
    for path in ("data/wikinews_2019.csv", "data/wikinews_2020.csv"):
        for row in csv.DictReader(io.StringIO(_git(gitdir, "show", f"HEAD:{path}"))):
            text = re.sub(r"^\s*\w+day, \w+ \d+, \d{4}\s*", "", row["text"])
            text = re.sub(r"\n\s*\n+", "\n\n", text).strip()
            if len(text) < 200:
                continue
            yield {
                "id": _short_id("wn", row["url"]),
                "title": row["title"].strip(),
                "text": _trim(text),
                "published_at": f"{row['date']}T12:00:00Z" if row.get("date") else None,
                "url": row["url"].replace("org//wiki", "org/wiki"),
                "licence": CC_BY_25,
                "source": f"vanatteveldt/wikinews@{commit}:{path}",
                "upstream_category": None,
            }


def _wikitext_plain(text: str) -> str:
    for _ in range(3):
        text = re.sub(r"\{\{w\|(?:[^{}|]*\|)?([^{}|]*)\}\}", r"\1", text)
    text = re.sub(r"\[\[(?:File|Image|Category):[^\]]*\]\]", "", text)
    text = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]|]*)\]\]", r"\1", text)
    text = re.sub(r"\[https?://\S+ ([^\]]*)\]", r"\1", text)
    text = re.sub(r"\{\{[^{}]*\}\}", "", text)
    text = re.sub(r"\{[^{}]*\}\}", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("'''", "").replace("''", "")
    text = re.sub(r"^=+.*?=+\s*$", "", text, flags=re.M)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def wikinews_sum(gitdir: Path) -> Iterator[dict[str, Any]]:
    """Wikinews articles of 2004-2005 with categories, wikitext cleaned."""
    blob = f"{WIKINEWS_SUM_COMMIT}:endataset.json"
    for line in _git(gitdir, "show", blob).splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        paras = row["text"] if isinstance(row["text"], list) else [row["text"]]
        raw = "\n\n".join(paras)
        date = re.search(r"\{\{date\|(\w+) (\d+), (\d{4})\}\}", raw)
        published = None
        if date and date.group(1) in _MONTHS:
            mon = _MONTHS.index(date.group(1)) + 1
            published = f"{date.group(3)}-{mon:02d}-{int(date.group(2)):02d}T12:00:00Z"
        text = _wikitext_plain(raw)
        if len(text) < 200 or "{" in text[:50]:
            continue
        title = row["title"].strip()
        yield {
            "id": _short_id("wn", title),
            "title": title,
            "text": _trim(text),
            "published_at": published,
            "url": "https://en.wikinews.org/wiki/" + title.replace(" ", "_"),
            "licence": PD_WIKINEWS if "PD-Article" in raw else CC_BY_25,
            "source": f"airKlizz/WikinewsSum@{WIKINEWS_SUM_COMMIT}:endataset.json",
            "upstream_category": ";".join(row.get("categories") or []),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--portal", type=Path, required=True)
    parser.add_argument("--wikinews-csv", type=Path, required=True)
    parser.add_argument("--wikinews-sum", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    seen: set[str] = set()
    count = 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for source in (
            wikinews_sum(args.wikinews_sum),
            wikinews_csv(args.wikinews_csv),
            portal_items(args.portal),
        ):
            for record in source:
                if record["id"] in seen:
                    continue
                seen.add(record["id"])
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    sys.stderr.write(f"{count} records written to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
