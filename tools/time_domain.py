"""Time the article-domain classifier against the analysis core on the same articles.

Articles: the benchmark corpus (``bench/corpus/news600.jsonl``, built by
``python bench/build_corpus.py``) when present, else 600-word texts made by joining the
Wikinews articles of ``tests/data/devnews.jsonl`` in file order. Both systems see the same
texts; each is timed over ``--passes`` passes after a warm-up pass, and the median pass is
reported as milliseconds per article, with the classifier's share of the core's time.

Usage::

    python tools/time_domain.py [--corpus FILE] [--passes 5] [--words 600]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.core.analyze import Analyzer  # noqa: E402
from streams.core.model import Article  # noqa: E402
from streams.knowledge.loader import load_domain_model, load_knowledge  # noqa: E402

CORPUS = ROOT / "bench" / "corpus" / "news600.jsonl"
DEVNEWS = ROOT / "tests" / "data" / "devnews.jsonl"


def articles(corpus: Path | None, words: int) -> tuple[str, list[tuple[str, str]]]:
    if corpus is not None and corpus.is_file():
        rows = [json.loads(x) for x in corpus.read_text(encoding="utf-8").splitlines() if x]
        return str(corpus), [(r.get("title") or "", r["text"]) for r in rows]
    rows = [json.loads(x) for x in DEVNEWS.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows if r["id"].startswith("wn-")]
    out: list[tuple[str, str]] = []
    buffer: list[str] = []
    count = 0
    for text in texts:
        buffer.append(text)
        count += len(text.split())
        if count >= words:
            out.append(("", "\n\n".join(buffer)))
            buffer, count = [], 0
    return f"{DEVNEWS} (Wikinews articles joined to {words} words)", out


def median_pass(fn: object, items: list[tuple[str, str]], passes: int) -> float:
    call = fn  # type: ignore[assignment]
    for title, text in items:  # warm-up
        call(title, text)  # type: ignore[operator]
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        for title, text in items:
            call(title, text)  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times) / len(items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--words", type=int, default=600)
    args = parser.parse_args(argv)
    where, items = articles(args.corpus, args.words)
    analyzer = Analyzer(load_knowledge())
    model = load_domain_model()
    mean_words = sum(len(t.split()) for _, t in items) / len(items)

    def core(title: str, text: str) -> None:
        analyzer.analyze(Article(id="t", text=text, title=title))

    def domain(title: str, text: str) -> None:
        model.classify(text, title)

    core_s = median_pass(core, items, args.passes)
    domain_s = median_pass(domain, items, args.passes)
    print(f"corpus: {where}: {len(items)} articles, {mean_words:.0f} words on average")
    print(f"core (Analyzer.analyze):      {1000 * core_s:.3f} ms/article")
    print(f"domain (DomainModel.classify): {1000 * domain_s:.3f} ms/article "
          f"({100 * domain_s / core_s:.1f}% of the core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
