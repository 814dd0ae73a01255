"""``escwatch bench stories``: memory and time of the story step's state at a daily rate.

The story step (:class:`streams.stories.engine.StoryEngine`) keeps the grouping index
(the articles of the last 72 h + 6 h of event time), the open stories (until 72 h
quiet) and the trend windows and baselines per key. This benchmark feeds it a stream
at ``--rate`` articles a day of event time for ``--days`` days and reports, at the end
of each simulated day, the articles in the index, the open stories, the trend keys and
the Python heap held by the engine (``tracemalloc``: what the engine's objects take,
not the process RSS), then the time per article.

The stream is synthetic, not text: each article has random MinHash signatures (so it
joins no other story by text unless it is a repost), a unique URL and headline, and a
political signal between two actors drawn from a Zipf-like pool of ``--actors``
actors over 60 countries; ``--repost-share`` of the articles are copies (same
signatures) of an article of the last few hours under another outlet. Every article
is alert-worthy, so every story keeps evidence and publishes: the worst case for the
story state. Features are not computed (that cost is the worker's and is in
``escwatch bench e2e --stories``); each article's features are read back from their
JSON form, as the worker reads them from its repartition topic, so no two articles
share signature arrays. The time per article is CPU time (``time.process_time``).
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
from datetime import UTC, datetime
from typing import Any

import numpy as np

from streams.bench.common import render_table
from streams.stories.engine import StoryEngine, StoryInput
from streams.stories.similarity import NUM_PERM, Features

__all__ = ["print_stories", "run_stories", "synthetic_stream"]

DAY = 86_400.0
T0 = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
_TYPES = ("ASSAULT", "FIGHT", "COERCE", "THREATEN", "MOBILIZE", "PROTEST", "SANCTION")


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def synthetic_stream(rate: float, days: float, actors: int, repost_share: float,
                     seed: int = 7) -> Any:
    """Yield ``(StoryInput, Features)`` pairs in event-time order (see the module doc)."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    pool = [f"actor-{i:05d}" for i in range(actors)]
    weights = [1.0 / (i + 1) for i in range(actors)]
    countries = [f"C{i:02d}" for i in range(60)]
    total = int(rate * days)
    step = DAY / rate
    recent: list[Features] = []
    for n in range(total):
        t = T0 + n * step
        if recent and rng.random() < repost_share:
            base = recent[rng.randrange(len(recent))]
            feats = Features(url=f"outlet{n % 97}.example/{n}", title=base.title,
                             text_sig=base.text_sig, word_sig=base.word_sig,
                             n_words=base.n_words, n_shingles=base.n_shingles)
        else:
            feats = Features(
                url=f"outlet{n % 97}.example/{n}", title=f"headline {n} of the day",
                text_sig=nprng.integers(0, 2**32, NUM_PERM, dtype=np.uint64),
                word_sig=nprng.integers(0, 2**32, NUM_PERM, dtype=np.uint64),
                n_words=400, n_shingles=390)
            recent.append(feats)
            if len(recent) > 200:
                recent.pop(0)
        src, tgt = rng.choices(pool, weights, k=2)
        kind = rng.choice(_TYPES)
        sentence = f"{src} and {tgt}: a report of {kind.lower()} number {n}."
        signal = {"type": kind, "polarity": "escalation", "political": True,
                  "source": src, "target": tgt, "speaker": None, "sentence": sentence,
                  "start": 0, "end": 10, "trigger": kind.lower(), "modality": "asserted",
                  "severity": -6.0}
        analysis = {
            "article_id": f"a{n}", "published_at": _iso(t), "score": 55.0,
            "actors": [{"id": a, "type": "person", "country": rng.choice(countries)}
                       for a in (src, tgt)],
            "signals": [signal],
            "alert": {"level": "medium", "score": 55.0, "actors": [src, tgt],
                      "actor_names": [src, tgt], "signal_types": [kind]},
        }
        yield (StoryInput(f"a{n}", "", analysis, title=feats.title, url=feats.url,
                          source=f"outlet{n % 97}", published_at=_iso(t)),
               Features.from_dict(feats.to_dict()))


def run_stories(args: argparse.Namespace) -> dict[str, Any]:
    """Feed the engine the synthetic stream; state and heap per simulated day."""
    rate = float(args.stories_rate)
    days = float(args.stories_days)
    engine = StoryEngine()
    rows: list[dict[str, Any]] = []
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    busy = 0.0
    published = {"story_alerts": 0, "trends": 0}
    per_day = int(rate)
    for n, (item, feats) in enumerate(synthetic_stream(
            rate, days, args.stories_actors, args.stories_reposts)):
        started = time.process_time()
        out = engine.process(item, feats)
        busy += time.process_time() - started
        published["story_alerts"] += len(out.story_alerts)
        published["trends"] += len(out.trends)
        if (n + 1) % per_day == 0 or n + 1 == int(rate * days):
            current, _ = tracemalloc.get_traced_memory()
            rows.append({"day": round((n + 1) / rate, 2), "articles": n + 1,
                         "index_articles": len(engine.index),
                         "open_stories": len(engine.stories),
                         "trend_keys": len(engine.trends),
                         "heap_mb": (current - base) / 2**20})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    total = int(rate * days)
    steady = rows[-1]
    return {
        "rate_per_day": rate, "days": days, "actors": args.stories_actors,
        "repost_share": args.stories_reposts, "days_table": rows,
        "peak_heap_mb": (peak - base) / 2**20,
        "ms_per_article": 1000.0 * busy / max(1, total),
        "published": published, "engine_stats": dict(engine.stats),
        "metrics": {"stories_state_mb_per_100k_day": steady["heap_mb"] * 100_000.0 / rate},
    }


def print_stories(result: dict[str, Any]) -> None:
    """Print the per-day table and the figures."""
    print(f"\nstory state at {result['rate_per_day']:,.0f} articles/day of event time "
          f"({result['actors']} actors, {result['repost_share']:.0%} reposts, tracemalloc "
          "heap of the engine):")
    print(render_table(
        ["day", "articles", "in index", "open stories", "trend keys", "heap MB"],
        [[r["day"], r["articles"], r["index_articles"], r["open_stories"], r["trend_keys"],
          r["heap_mb"]] for r in result["days_table"]]))
    print(render_table(["figure", "value"], [
        ["peak heap, MB", result["peak_heap_mb"]],
        ["heap at the end, MB per 100,000 articles/day",
         result["metrics"]["stories_state_mb_per_100k_day"]],
        ["story step CPU per article (tracemalloc on), ms", result["ms_per_article"]],
        ["story alert records", result["published"]["story_alerts"]],
        ["trend alerts", result["published"]["trends"]],
    ]))
