"""Golden analyses: a hash of the analysis of every development record.

``python tools/golden.py write`` records, for each record of the development
corpora and the seeds, the SHA-256 of its analysis (canonical JSON) in
``tests/data/golden_analyses.jsonl``. ``tests/unit/test_golden.py`` recomputes
them, so a change that should leave behaviour alone (a restructure, a speed-up)
is proved to leave every analysis byte-identical. A change meant to alter
results rewrites the file and says so in its commit.

``python tools/golden.py show CORPUS ID`` prints one analysis in full, to see
what a failing hash is about.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from streams.config import Settings
from streams.core.analyze import AnalysisOptions, Analyzer
from streams.core.model import Article
from streams.core.scoring import ScoringOptions
from streams.knowledge.loader import load_knowledge

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden_analyses.jsonl"
CORPORA = {
    "devnews": ROOT / "tests" / "data" / "devnews.jsonl",
    "plover_gsr": ROOT / "tests" / "data" / "plover_gsr.jsonl",
    "petrarch_unittest": ROOT / "tests" / "data" / "petrarch_unittest.jsonl",
    "re3d_open": ROOT / "tests" / "data" / "re3d_open.jsonl",
    "seeds": ROOT / "seeds" / "articles.jsonl",
    "demo": ROOT / "seeds" / "demo.jsonl",
}


def _date(record: dict[str, Any]) -> str | None:
    for key in ("published_at", "date"):
        value = record.get(key) or (record.get("labels") or {}).get(key)
        if isinstance(value, str) and len(value) >= 10 and value[4] == "-":
            return value if "T" in value else value[:10] + "T00:00:00Z"
    return None


def records() -> Iterator[tuple[str, str, Article]]:
    """Yield ``(corpus, id, article)`` for every development record, in file order."""
    for corpus, path in CORPORA.items():
        with path.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                record = orjson.loads(line)
                rid = str(record.get("id") or f"line-{number}")
                yield corpus, rid, Article(
                    id=rid, text=record["text"], title=record.get("title") or "",
                    url=record.get("url") or "", source=record.get("source") or "",
                    published_at=_date(record))


def analyzer() -> Analyzer:
    """The analyzer the worker builds with default settings."""
    settings = Settings.from_env({})
    options = AnalysisOptions(scoring=ScoringOptions(alert_threshold=settings.alert_threshold))
    return Analyzer(load_knowledge(settings.knowledge_dir), options)


def digest(analysis: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``analysis``."""
    return hashlib.sha256(orjson.dumps(analysis, option=orjson.OPT_SORT_KEYS)).hexdigest()


def compute() -> list[dict[str, str]]:
    """One ``{corpus, id, sha256}`` row per development record."""
    core = analyzer()
    return [{"corpus": corpus, "id": rid, "sha256": digest(core.analyze(article).to_dict())}
            for corpus, rid, article in records()]


def main(argv: list[str]) -> int:
    if argv[:1] == ["write"]:
        rows = compute()
        GOLDEN.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
        print(f"wrote {len(rows)} golden analyses to {GOLDEN.relative_to(ROOT)}")
        return 0
    if argv[:1] == ["show"] and len(argv) == 3:
        core = analyzer()
        for corpus, rid, article in records():
            if (corpus, rid) == (argv[1], argv[2]):
                sys.stdout.buffer.write(orjson.dumps(
                    core.analyze(article).to_dict(),
                    option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
                return 0
        print(f"no record {argv[2]!r} in {argv[1]!r}", file=sys.stderr)
        return 1
    print("usage: python tools/golden.py write | show CORPUS ID", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
