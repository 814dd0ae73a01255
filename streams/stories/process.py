"""Group a file of articles into stories and print the story and trend records, no Kafka.

    python -m streams.stories.process ARTICLES.jsonl [--out DIR]

Each line is an ``article.v1`` record. Articles are analysed by the core, ordered by
event time (ties by id), and fed to :class:`StoryEngine`: the same code path as the
tests and the evaluation. Without ``--out`` the ``story_alert.v1`` and ``trend.v1``
records are printed as JSON lines; with it they go to ``DIR/story_alerts.jsonl``,
``DIR/trends.jsonl`` and ``DIR/stories.jsonl`` (article id → story id, the analysis'
``story_id``). Output is byte-identical between runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from streams import codec
from streams.stories.engine import StoryEngine, StoryInput

__all__ = ["main", "run"]


def run(lines: Sequence[str], engine: StoryEngine | None = None) -> dict[str, list[Any]]:
    """Analyse and group the articles of ``lines``; returns the records by kind."""
    from streams.core.analyze import Analyzer
    from streams.knowledge.loader import load_knowledge

    analyzer = Analyzer(load_knowledge())
    engine = engine or StoryEngine()
    items = []
    for line in lines:
        if not line.strip():
            continue
        article, _ = codec.decode_event(line.encode("utf-8"))
        analysis = analyzer.analyze(article).to_dict()
        items.append(StoryInput(article.id, article.text, analysis, title=article.title or "",
                                url=article.url or "", source=article.source or "",
                                published_at=analysis.get("published_at")))
    items.sort(key=lambda i: (i.published_at or "", i.article_id))
    out: dict[str, list[Any]] = {"stories": [], "story_alerts": [], "trends": []}
    for item in items:
        result = engine.process(item)
        out["stories"].append({"article_id": item.article_id, "story_id": result.story_id,
                               "match": result.match.reason,
                               "matched": result.match.matched})
        out["story_alerts"].extend(result.story_alerts)
        out["trends"].extend(result.trends)
    return out


def _write(fh: IO[bytes], records: list[Any]) -> None:
    for r in records:
        fh.write(codec.dumps(r) + b"\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry."""
    ap = argparse.ArgumentParser(prog="python -m streams.stories.process",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    lines: list[str] = []
    for p in args.paths:
        lines += p.read_text(encoding="utf-8").splitlines()
    out = run(lines)
    if args.out is None:
        _write(sys.stdout.buffer, out["story_alerts"] + out["trends"])
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        for kind, records in out.items():
            with (args.out / f"{kind}.jsonl").open("wb") as fh:
                _write(fh, records)
    print(f"{len(out['stories'])} articles, {len({s['story_id'] for s in out['stories']})} "
          f"stories, {len(out['story_alerts'])} story alerts, {len(out['trends'])} trend "
          "alerts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
