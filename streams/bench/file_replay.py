"""``escwatch bench replay``: the file-replay path over 100,000 articles."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from streams import codec
from streams.bench.common import count_words, cycled, ensure_corpus, load_events, render_table
from streams.config import Settings
from streams.errors import ConfigError

__all__ = ["run_replay"]

# --------------------------------------------------------------------------- replay


def _replay_route(input_path: Path, out_dir: Path, run_id: str) -> dict[str, Any]:
    """The file-replay path done directly: read JSONL, route each line, write JSONL."""
    from streams.pipeline import Origin, build_analyzer, route

    started = time.perf_counter()
    analyzer = build_analyzer(Settings.from_env())
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {"analyzed": 0, "alerts": 0, "deadletter": 0}
    handles = {name: (out_dir / f"{name}.jsonl").open("wb", buffering=1 << 20)
               for name in counts}
    try:
        with input_path.open("rb") as source:
            for number, line in enumerate(source, 1):
                line = line.rstrip(b"\r\n")
                if not line:
                    continue
                routed = route(line, None, Origin(input_path.name, 0, number), analyzer,
                               run_id=run_id)
                for record in routed.records:
                    handles[record.destination].write(record.value + b"\n")
                    counts[record.destination] += 1
    finally:
        for handle in handles.values():
            handle.close()
    return {"seconds": time.perf_counter() - started, "outputs": counts}


def _replay_cli(input_path: Path, out_dir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "streams.cli", "replay", str(input_path),
                           "--out", str(out_dir)], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise ConfigError(f"escwatch replay exited {done.returncode}: {done.stderr[-500:]}")
    counts = {}
    for name in ("analyzed", "alerts", "deadletter"):
        files = list(out_dir.rglob(f"*{name}*.jsonl"))
        counts[name] = sum(sum(1 for _ in f.open("rb")) for f in files)
    return {"seconds": seconds, "outputs": counts}


def run_replay(args: argparse.Namespace) -> dict[str, Any]:
    """Replay ``--articles`` articles from a JSONL file into JSONL outputs and time it."""
    path = Path(args.corpus[0]) if args.corpus else args.bench_paths.news_corpus
    ensure_corpus([path], args.bench_paths)
    events = load_events(path)
    run_id = uuid.uuid4().hex[:10]
    workdir = Path(tempfile.mkdtemp(prefix=f"escwatch-replay-{run_id}-",
                                    dir=args.workdir))
    notes: list[str] = []
    try:
        input_path = workdir / "input.jsonl"
        generated = time.perf_counter()
        words = 0
        with input_path.open("wb") as handle:
            for event in cycled(events, args.articles, "r"):
                words += count_words(event["text"])
                handle.write(codec.dumps(event) + b"\n")
        generate_s = time.perf_counter() - generated
        via = args.via
        if via == "auto":
            via = "cli" if importlib.util.find_spec("streams.replay") else "route"
        if via == "cli":
            try:
                timed = _replay_cli(input_path, workdir / "out")
                method = "escwatch replay --out DIR (subprocess, startup included)"
            except ConfigError as exc:
                if args.via == "cli":
                    raise
                notes.append(f"escwatch replay not usable ({exc}); measured pipeline.route")
                via = "route"
        if via == "route":
            timed = _replay_route(input_path, workdir / "out", run_id)
            method = ("pipeline.route over the JSONL file, writing JSONL outputs "
                      "(the file-replay path, in process, analyzer build included)")
        input_mb = input_path.stat().st_size / 2**20
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    seconds = timed["seconds"]
    result = {
        "method": method, "articles": args.articles, "words": words,
        "input_mb": input_mb, "generate_s": generate_s, "seconds": seconds,
        "articles_per_s": args.articles / seconds, "outputs": timed["outputs"],
        "corpus": str(path), "notes": notes,
        "metrics": {"replay_seconds_per_100k": seconds * 100_000 / args.articles,
                    "replay_articles_per_s": args.articles / seconds},
    }
    if args.articles != 100_000:
        notes.append(f"{args.articles} articles replayed; the 100k figure is projected")
    return result


def print_replay(result: dict[str, Any]) -> None:
    print(f"\nreplay: {result['method']}")
    print(render_table(["figure", "value"], [
        ["articles", result["articles"]],
        ["input MB", result["input_mb"]],
        ["seconds", result["seconds"]],
        ["articles/s", result["articles_per_s"]],
        ["analyses written", result["outputs"]["analyzed"]],
        ["alerts written", result["outputs"]["alerts"]],
        ["dead letters written", result["outputs"]["deadletter"]],
        ["seconds per 100,000 articles", result["metrics"]["replay_seconds_per_100k"]],
    ]))
    for note in result["notes"]:
        print(f"note: {note}")
