"""``escwatch bench worst``: 1 MB articles of the worst shapes, each in a fresh process:
time, peak RSS and output size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from streams import codec
from streams.bench.common import load_events, render_table
from streams.config import Settings

__all__ = ["WORST_BYTES", "WORST_SHAPES", "measure_worst", "run_worst", "worst_text"]

# --------------------------------------------------------------------------- cli


# --------------------------------------------------------------------------- worst

WORST_BYTES = 990_000
"""Text size of the worst-case articles: just under the 1 MB accepted maximum."""


def worst_text(shape: str, seed: str) -> str:
    """A text of about :data:`WORST_BYTES` in one of the worst-case shapes."""
    words = " ".join(seed.split())
    if shape == "one-sentence":  # no sentence end anywhere
        unit = words.replace(".", ",").replace("!", ",").replace("?", ",") + " "
    elif shape == "no-spaces":
        unit = words.replace(" ", "")
    elif shape == "comma-joined":  # words joined by commas: one joined run, no space
        unit = words.replace(" ", ",") + ","
    elif shape == "hyphen-joined":  # a compound run on: every gap word is a long run
        unit = "troops-surround-"
    elif shape == "every-word-a-trigger":
        unit = "attack strike invade deploy sanction threaten bomb shell "
    elif shape == "every-word-an-actor":
        unit = "NATO Russia Ukraine Germany China Putin Zelenskiy Stoltenberg "
    else:  # ordinary: the seed article's sentences and paragraphs, repeated
        unit = seed + "\n\n"
    text = unit * (WORST_BYTES // len(unit) + 1)
    # Bytes, not characters: the accepted maximum is in bytes.
    return text.encode()[:WORST_BYTES].decode("utf-8", "ignore")


WORST_SHAPES = ("one-sentence", "no-spaces", "comma-joined", "hyphen-joined",
                "every-word-a-trigger", "every-word-an-actor", "ordinary")


def measure_worst(shape: str, seed_file: str | None = None) -> dict[str, Any]:
    """Route one worst-case article in this process; time, peak RSS and output size.

    Args:
        shape: One of :data:`WORST_SHAPES`.
        seed_file: JSONL whose first article the shape is built from (default: a
            one-sentence text).
    """
    import resource

    from streams.pipeline import Origin, build_analyzer, route

    seed = load_events(Path(seed_file), 1)[0] if seed_file else {
        "text": "NATO may deploy troops to Ukraine."}
    event = {"schema": "article.v1", "id": f"worst-{shape}",
             "text": worst_text(shape, str(seed["text"]))}
    value = codec.dumps(event)
    analyzer = build_analyzer(Settings())
    started = time.perf_counter()
    routed = route(value, event["id"].encode(), Origin("bench", 0, 0), analyzer,
                   max_bytes=codec.MAX_MESSAGE_BYTES)
    seconds = time.perf_counter() - started
    out = sum(len(r.value) for r in routed.records)
    return {"shape": shape, "input_bytes": len(value), "seconds": round(seconds, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "output_bytes": out, "output_ratio": round(out / len(value), 2),
            "outputs": [r.destination for r in routed.records], "error": routed.error}


def run_worst(args: argparse.Namespace) -> dict[str, Any]:
    """Each worst-case shape in a fresh process, so its peak RSS is its own."""
    seed = args.bench_paths.seed_file
    seed_file = str(seed) if seed is not None else None
    rows = []
    for shape in WORST_SHAPES:
        done = subprocess.run(
            [sys.executable, "-c", "import json; from streams.bench.worst import measure_worst; "
             f"print(json.dumps(measure_worst({shape!r}, {seed_file!r})))"],
            capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            rows.append({"shape": shape, "error": f"exit {done.returncode}: "
                                                  f"{done.stderr.strip()[-300:]}"})
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    measured = [r for r in rows if "seconds" in r]
    metrics: dict[str, Any] = {}
    if len(measured) == len(rows):
        metrics = {"worst_seconds": max(r["seconds"] for r in measured),
                   "worst_peak_rss_mb": max(r["peak_rss_mb"] for r in measured),
                   "worst_output_ratio": max(r["output_ratio"] for r in measured)}
    return {"rows": rows, "metrics": metrics}


def print_worst(result: dict[str, Any]) -> None:
    print("\nworst-case 1 MB articles, each routed (decode, analyse, encode) in a fresh "
          "process; RSS includes the knowledge base")
    rows = [[r["shape"], r.get("seconds"), r.get("peak_rss_mb"), r.get("output_ratio"),
             "+".join(r.get("outputs", [])) or r.get("error")] for r in result["rows"]]
    print(render_table(["shape", "seconds", "peak RSS MB", "output / input", "outputs"], rows))
