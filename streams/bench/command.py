"""``escwatch bench``: the argument parser, the target summary and the entry point."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streams import __version__
from streams.bench.common import Check, check_targets, machine_info, render_table
from streams.bench.core import print_core, run_core
from streams.bench.e2e import print_e2e, run_e2e
from streams.bench.file_replay import print_replay, run_replay
from streams.bench.paths import BenchPaths
from streams.bench.scale import print_scale, run_scale
from streams.bench.stories import print_stories, run_stories
from streams.bench.worst import print_worst, run_worst

__all__ = ["PROFILE_DEFAULT", "main"]
PROFILE_DEFAULT = "core-profile.html"
"""File name of ``--profile`` without a path, in the results folder."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="write results here (default RESULTS_DIR/<name>.json)")
    common.add_argument("--corpus", action="append", metavar="PATH",
                        help="JSONL article events (repeatable for core; default "
                             "CORPUS_DIR/news600.jsonl, and re3d.jsonl and wikinews650.jsonl "
                             "for core)")
    common.add_argument("--corpus-dir", type=Path, default=None, metavar="DIR",
                        help="folder of the default corpora (default: bench/corpus of the "
                             "source checkout, else ~/.cache/escwatch/bench/corpus)")
    common.add_argument("--results-dir", type=Path, default=None, metavar="DIR",
                        help="folder of the results (default: bench/results of the source "
                             "checkout, else ~/.cache/escwatch/bench/results)")
    common.add_argument("--strict", action="store_true",
                        help="exit 1 when a measured figure misses its target")
    core = argparse.ArgumentParser(add_help=False)
    core.add_argument("--limit", type=int, default=None, help="articles per corpus")
    core.add_argument("--repeats", type=int, default=5, help="timed passes (median reported)")
    core.add_argument("--warmup", type=int, default=1, help="untimed passes first")
    core.add_argument("--cpu", type=int, default=None, help="CPU to pin (default: the last)")
    core.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    core.add_argument("--no-spacy", action="store_true", help="skip the spaCy rows")
    core.add_argument("--spacy-model", default="en_core_web_sm", help="the peer's model")
    core.add_argument("--peer-articles", type=int, default=50,
                      help="articles the (slow) peer is timed on")
    core.add_argument("--profile", nargs="?", const=PROFILE_DEFAULT,
                      default=None, metavar="PATH",
                      help="also write a pyinstrument profile (.html, else text)")
    core.add_argument("--profile-passes", type=int, default=3, help="passes profiled")
    e2e = argparse.ArgumentParser(add_help=False)
    e2e.add_argument("--articles", type=int, default=5000, help="pre-loaded articles")
    e2e.add_argument("--rate", type=float, default=50.0, help="offered articles/s")
    e2e.add_argument("--duration", type=float, default=60.0, help="latency run, seconds")
    e2e.add_argument("--timeout", type=float, default=900.0, help="give up after, seconds")
    scale = argparse.ArgumentParser(add_help=False)
    scale.add_argument("--scale-articles", dest="scale_articles", type=int, default=3000,
                       help="articles of each cell's burst (scale)")
    scale.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    scale.add_argument("--partitions", default="1,4",
                       help="partition counts, comma-separated")
    scale.add_argument("--scale-rate", dest="scale_rate", type=float, default=50.0,
                       help="offered articles/s of each cell's latency phase")
    scale.add_argument("--scale-duration", dest="scale_duration", type=float, default=10.0,
                       help="each cell's latency phase, seconds")
    scale.add_argument("--core-repeats", dest="core_repeats", type=int, default=3,
                       help="timed passes of the core on the same corpus")
    stories = argparse.ArgumentParser(add_help=False)
    stories.add_argument("--stories-rate", dest="stories_rate", type=float, default=100_000,
                         help="articles per day of event time (stories)")
    stories.add_argument("--stories-days", dest="stories_days", type=float, default=4.0,
                         help="days of event time fed (stories; the index holds 78 h)")
    stories.add_argument("--stories-actors", dest="stories_actors", type=int, default=2000,
                         help="actors the synthetic signals are drawn from (stories)")
    stories.add_argument("--stories-reposts", dest="stories_reposts", type=float,
                         default=0.3, help="share of reposts in the stream (stories)")
    replay = argparse.ArgumentParser(add_help=False)
    replay.add_argument("--replay-articles", dest="replay_articles", type=int,
                        default=100_000, help="articles replayed")
    replay.add_argument("--via", choices=["auto", "cli", "route"], default="auto",
                        help="escwatch replay --out (cli), pipeline.route, or auto")
    replay.add_argument("--workdir", default=None, help="folder for the temporary files")
    replay.add_argument("--keep", action="store_true", help="keep temporary files")

    parser = argparse.ArgumentParser(
        prog="escwatch bench", description="Throughput, latency and memory against the "
        "targets and the peers. Prints a table; writes JSON.")
    sub = parser.add_subparsers(dest="name", required=True, metavar="BENCHMARK")
    sub.add_parser("core", parents=[common, core], help="core throughput on one core")
    e2e_parser = sub.add_parser("e2e", parents=[common, e2e],
                                help="one worker through the broker")
    e2e_parser.add_argument("--keep", action="store_true", help="keep the worker's files")
    e2e_parser.add_argument("--stories", action="store_true",
                            help="run the worker with the story agents on (ESCWATCH_STORIES=1); "
                            "an article counts once the story step has grouped it")
    scale_parser = sub.add_parser("scale", parents=[common, scale],
                                  help="1 and 2 workers x 1 and 4 partitions, beside the core")
    scale_parser.add_argument("--timeout", type=float, default=600.0,
                              help="give up on a cell after, seconds")
    scale_parser.add_argument("--keep", action="store_true", help="keep the workers' files")
    sub.add_parser("replay", parents=[common, replay], help="file replay of 100,000 articles")
    sub.add_parser("stories", parents=[common, stories],
                   help="memory and time of the story step's state at a daily rate, no broker")
    sub.add_parser("worst", parents=[common],
                   help="1 MB articles of the worst shapes: time, peak RSS, output size")
    all_parser = sub.add_parser("all", parents=[common, core, replay, scale],
                                help="core, worst, replay, e2e, then scale")
    all_parser.add_argument("--e2e-articles", dest="articles", type=int, default=5000)
    all_parser.add_argument("--rate", type=float, default=50.0)
    all_parser.add_argument("--duration", type=float, default=60.0)
    all_parser.add_argument("--timeout", type=float, default=900.0)
    return parser


def _summary(metrics: dict[str, Any]) -> list[Check]:
    checks = check_targets(metrics)
    rows = [[c.target.label, c.value, f"{c.target.op} {c.target.limit:g} {c.target.unit}",
             c.status] for c in checks if c.status != "n/a"]
    if rows:
        print("\ntargets:")
        print(render_table(["figure", "measured", "target", "result"], rows))
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    """Run one benchmark (or all), print the tables, write the JSON.

    Returns:
        0, or 1 with ``--strict`` when a figure misses its target.
    """
    args = _parser().parse_args(list(argv) if argv is not None else None)
    where = BenchPaths.resolve(args.corpus_dir, args.results_dir)
    args.bench_paths = where
    if getattr(args, "profile", None) == PROFILE_DEFAULT:
        args.profile = str(where.results_dir / PROFILE_DEFAULT)
    machine = machine_info()
    started_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    print(f"machine: {machine['cpu_model']}, {machine['logical_cpus']} logical CPUs "
          f"({machine['usable_cpus']} usable), Python {machine['python']}, "
          f"{machine['platform']}; load average at start {machine['load_avg']}")
    results: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    names = ["core", "worst", "replay", "e2e", "scale"] if args.name == "all" else [args.name]
    for name in names:
        if name == "core":
            results["core"] = run_core(args)
            print_core(results["core"])
        elif name == "worst":
            results["worst"] = run_worst(args)
            print_worst(results["worst"])
        elif name == "stories":
            results["stories"] = run_stories(args)
            print_stories(results["stories"])
        elif name == "replay":
            ns = argparse.Namespace(**{**vars(args), "articles": args.replay_articles,
                                       "corpus": (args.corpus or [where.news_corpus])[:1]})
            results["replay"] = run_replay(ns)
            print_replay(results["replay"])
        elif name == "scale":
            ns = argparse.Namespace(**{**vars(args), "articles": args.scale_articles,
                                       "rate": args.scale_rate,
                                       "duration": args.scale_duration,
                                       "keep": getattr(args, "keep", False),
                                       "corpus": (args.corpus or [where.news_corpus])[:1]})
            results["scale"] = run_scale(ns)
            print_scale(results["scale"])
        else:
            ns = argparse.Namespace(**{**vars(args), "keep": getattr(args, "keep", False)})
            if args.name == "all":
                ns.corpus = (args.corpus or [where.news_corpus])[:1]
            results["e2e"] = run_e2e(ns)
            print_e2e(results["e2e"])
        metrics.update(results[name]["metrics"])
    checks = _summary(metrics)
    document = {
        "benchmark": args.name, "escwatch_version": __version__, "started_at": started_at,
        "machine": machine,
        "load_avg_end": [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg") else None,
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
                      if k != "bench_paths"},
        "paths": {"corpus_dir": str(where.corpus_dir), "results_dir": str(where.results_dir)},
        "metrics": metrics,
        "checks": [{"metric": c.target.metric, "label": c.target.label, "value": c.value,
                    "op": c.target.op, "target": c.target.limit, "unit": c.target.unit,
                    "status": c.status} for c in checks],
        "results": results,
    }
    out = args.json or where.results_dir / f"{args.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1, sort_keys=True, default=str) + "\n",
                   encoding="utf-8")
    print(f"\nresults written to {out}")
    failed = any(c.status == "FAIL" for c in checks)
    return 1 if args.strict and failed else 0
