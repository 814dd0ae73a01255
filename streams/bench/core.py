"""``escwatch bench core``: the analysis core on one pinned CPU, beside the tokenisation floor,
the keyword anchor and the spaCy peer.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import os
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from streams import codec
from streams.bench.common import count_words, ensure_corpus, load_events, render_table
from streams.bench.paths import BenchPaths
from streams.config import Settings
from streams.errors import ConfigError

__all__ = ["QUOTED_PEER_ARTICLES_PER_S", "run_core"]

# Quoted in the project's issue for spaCy's small English pipeline on 600-word articles
# on this class of machine; shown only when the model is not installed to measure it.
QUOTED_PEER_ARTICLES_PER_S = 9.0


@contextmanager
def _pinned(cpu: int | None) -> Iterator[int | None]:
    """Pin this process to one CPU for the block (None: leave it unpinned)."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    if cpu not in before:
        raise ConfigError(f"--cpu {cpu} is not among the usable CPUs {sorted(before)}")
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, before)


# --------------------------------------------------------------------------- core


@dataclass(frozen=True, slots=True)
class _Runner:
    name: str
    role: str
    fn: Callable[[Any], object]
    items: Sequence[Any]
    words: int
    repeats: int


def _one_pass(fn: Callable[[Any], object], items: Sequence[Any]) -> float:
    # Collect before, not during: garbage of earlier passes must not bill this one,
    # while collections the pass itself triggers are part of its real cost.
    gc.collect()
    started = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - started


def _time_round_robin(runners: Sequence[_Runner], warmup: int) -> list[list[float]]:
    """Seconds of each timed pass of every runner, passes interleaved.

    Interleaving (A B C, A B C, ...) rather than A A A, B B B spreads bursts of load
    from other processes over all systems, so the ratios stay fair on a busy machine.
    """
    for _ in range(warmup):
        for runner in runners:
            _one_pass(runner.fn, runner.items)
    times: list[list[float]] = [[] for _ in runners]
    for round_ in range(max(r.repeats for r in runners)):
        for index, runner in enumerate(runners):
            if round_ < runner.repeats:
                times[index].append(_one_pass(runner.fn, runner.items))
    return times


def _route_pair(route: Callable[..., object], origin: object, analyzer: object,
                pair: tuple[bytes, bytes]) -> object:
    return route(pair[0], pair[1], origin, analyzer)


def _load_spacy(args: argparse.Namespace, notes: list[str]) -> tuple[Any, Any]:
    """spaCy's blank English pipeline and the peer's NER, each None when unavailable."""
    if args.no_spacy:
        notes.append("spaCy rows skipped (--no-spacy)")
        return None, None
    try:
        spacy = importlib.import_module("spacy")
    except ImportError:
        notes.append("spaCy not installed: tokenizer floor and NER peer not measured "
                     "(pip install 'escalation-watch[bench]')")
        return None, None
    from streams.evaluation.baselines import load_spacy_actors

    loaded = load_spacy_actors(args.spacy_model)
    if isinstance(loaded, str):
        notes.append(f"peer {args.spacy_model}: {loaded}; the README quotes "
                     f"~{QUOTED_PEER_ARTICLES_PER_S:g} articles/s (quoted, not measured)")
        return spacy.blank("en"), None
    return spacy.blank("en"), loaded


def _spacy_runners(args: argparse.Namespace, blank: Any, peer: Any, texts: Sequence[str],
                   words_each: Sequence[int]) -> list[_Runner]:
    runners: list[_Runner] = []
    if blank is not None:
        runners.append(_Runner('spaCy blank("en") tokenizer', "floor", blank, texts,
                               sum(words_each), args.repeats))
    if peer is not None:
        count = min(len(texts), args.peer_articles)
        runners.append(_Runner(f"spaCy {args.spacy_model} NER", "peer", peer.extract,
                               texts[:count], sum(words_each[:count]),
                               max(1, min(args.repeats, 3))))
    return runners


def _profile(fn: Callable[[Any], object], items: Sequence[Any], out: Path,
             passes: int) -> str:
    try:
        pyinstrument = importlib.import_module("pyinstrument")
    except ImportError as exc:
        raise ConfigError("--profile needs pyinstrument: pip install "
                          "'escalation-watch[bench]'") from exc
    profiler = pyinstrument.Profiler(interval=0.0005)
    profiler.start()
    for _ in range(passes):
        for item in items:
            fn(item)
    profiler.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".html":
        out.write_text(profiler.output_html(), encoding="utf-8")
    else:
        out.write_text(profiler.output_text(unicode=True, color=False, show_all=False),
                       encoding="utf-8")
    text: str = profiler.output_text(unicode=False, color=False, show_all=False)
    return text


def run_core(args: argparse.Namespace) -> dict[str, Any]:
    """Core throughput on one pinned CPU, with the floor, the anchor and the peer.

    Returns:
        The results: per corpus, one row per system with articles/s (median and
        best of the repeats), words/s, and our time as a ratio to each system's.
    """
    from streams.evaluation.baselines import KeywordMatcher
    from streams.pipeline import Origin, build_analyzer, route

    where: BenchPaths = args.bench_paths
    paths = [Path(p) for p in (args.corpus or [where.news_corpus, where.re3d_corpus,
                                                where.wikinews_corpus])]
    ensure_corpus(paths, where)
    # The ordinary-news corpus needs its input in tests/data: a checkout built before
    # it existed, or a builder without it, has none, and the bench goes on without it.
    paths = [p for p in paths if p.is_file() or p != where.wikinews_corpus]
    settings = Settings.from_env()
    started = time.perf_counter()
    analyzer = build_analyzer(settings)
    build_s = time.perf_counter() - started
    matcher = KeywordMatcher()
    notes: list[str] = []
    corpora: dict[str, Any] = {}
    usable = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    cpu = None if args.no_pin else (usable[-1] if args.cpu is None else args.cpu)
    profile_text = None
    blank, peer = _load_spacy(args, notes)
    with _pinned(cpu):
        for path in paths:
            events = load_events(path, args.limit)
            articles = [codec.article_from_event(e) for e in events]
            raw = [(codec.dumps(e), str(e["id"]).encode()) for e in events]
            texts = [a.text for a in articles]
            words_each = [count_words(t) for t in texts]
            words = sum(words_each)
            origin = Origin(path.name, 0, 0)
            runners = [
                _Runner("escwatch core (Analyzer.analyze)", "ours", analyzer.analyze,
                        articles, words, args.repeats),
                _Runner("escwatch core + codec (pipeline.route)", "ours+codec",
                        partial(_route_pair, route, origin, analyzer), raw, words,
                        args.repeats),
                _Runner("keyword regex (streams.baselines)", "anchor", matcher.match, texts,
                        words, args.repeats),
            ]
            runners += _spacy_runners(args, blank, peer, texts, words_each)
            rows: list[dict[str, Any]] = []
            for runner, times in zip(runners, _time_round_robin(runners, args.warmup),
                                     strict=True):
                median = statistics.median(times)
                rows.append({
                    "system": runner.name, "role": runner.role, "articles": len(runner.items),
                    "words": runner.words, "repeats": runner.repeats,
                    "seconds_median": median, "seconds_best": min(times),
                    "articles_per_s": len(runner.items) / median,
                    "articles_per_s_best": len(runner.items) / min(times),
                    "words_per_s": runner.words / median,
                    "ms_per_article": 1000.0 * median / len(runner.items),
                })
            ours = float(rows[0]["words_per_s"])
            for row in rows:
                # Per word, so a peer timed on fewer articles still compares fairly.
                row["our_time_ratio"] = row["words_per_s"] / ours
            alerts = sum(1 for a in articles if analyzer.analyze(a).alert is not None)
            corpora[path.stem] = {
                "path": str(path), "articles": len(articles), "words": words,
                "words_mean": words / len(articles), "alerting_articles": alerts,
                "rows": rows,
            }
        if args.profile:
            first = paths[0]
            items = [codec.article_from_event(e) for e in load_events(first, args.limit)]
            profile_text = _profile(analyzer.analyze, items, Path(args.profile),
                                    args.profile_passes)
    first_rows = next(iter(corpora.values()))["rows"]
    metrics = {"core_articles_per_s": first_rows[0]["articles_per_s"],
               "core_words_per_s": first_rows[0]["words_per_s"],
               "route_articles_per_s": first_rows[1]["articles_per_s"]}
    news = corpora.get(where.wikinews_corpus.stem)
    if news is not None:
        metrics["core_news_articles_per_s"] = news["rows"][0]["articles_per_s"]
    result: dict[str, Any] = {
        "pinned_cpu": cpu, "warmup": args.warmup, "repeats": args.repeats,
        "analyzer_build_s": build_s, "knowledge_version": analyzer.knowledge.version,
        "corpora": corpora, "metrics": metrics, "notes": notes,
    }
    if args.profile:
        result["profile"] = {"path": str(args.profile), "passes": args.profile_passes,
                             "text": profile_text}
    return result


def print_core(result: dict[str, Any]) -> None:
    for name, corpus in result["corpora"].items():
        print(f"\ncore on {name}: {corpus['articles']} articles, {corpus['words_mean']:.0f} "
              f"words mean, {corpus['alerting_articles']} raise alerts; CPU pinned: "
              f"{result['pinned_cpu']}; median of {result['repeats']} after "
              f"{result['warmup']} warm-up")
        rows = [[r["system"], r["role"], r["articles_per_s"], r["articles_per_s_best"],
                 r["words_per_s"], r["ms_per_article"], r["our_time_ratio"]]
                for r in corpus["rows"]]
        print(render_table(["system", "role", "articles/s", "best", "words/s", "ms/article",
                            "our time / its"], rows))
    for note in result["notes"]:
        print(f"note: {note}")
    if "profile" in result:
        print(f"profile written to {result['profile']['path']}")
