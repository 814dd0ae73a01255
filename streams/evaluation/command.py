"""``escwatch eval``: the argument parser and entry point."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import orjson

from streams.errors import ConfigError
from streams.evaluation.baselines import (
    load_spacy_actors,
)
from streams.evaluation.datasets import FORMATS, read_dataset, select_split
from streams.evaluation.metrics import evaluate_dataset
from streams.evaluation.report import plain, print_report
from streams.evaluation.systems import System, escwatch_system, keyword_system, spacy_system

__all__ = ["main"]

# ------------------------------------------------------------------------ CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escwatch eval",
        description="Score the analysis core on labelled JSONL, with baselines side by side.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="labelled JSONL")
    parser.add_argument(
        "--format", choices=("auto", *FORMATS), default="auto", help="input format (auto)"
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write a JSON report")
    parser.add_argument(
        "--split",
        choices=("train", "dev"),
        help="score only the records of this split (devnews records carry one)",
    )
    parser.add_argument("--no-baselines", action="store_true", help="score only the escwatch core")
    parser.add_argument(
        "--spacy",
        action="store_true",
        help="require the spaCy small-NER actor peer (exit 1 when unavailable); "
        "without it the peer runs only when importable",
    )
    parser.add_argument(
        "--spacy-model",
        default="en_core_web_sm",
        metavar="NAME",
        help="spaCy model package for the actor peer (en_core_web_sm)",
    )
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run ``escwatch eval``.

    Args:
        argv: Arguments after ``eval``; None reads ``sys.argv``.
        out: Where the tables go; standard output by default.

    Returns:
        0 on success; 1 when a requested system could not run (the core, or
        spaCy under ``--spacy``); 2 on bad arguments or unreadable input.
    """
    out = out or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        datasets = [select_split(read_dataset(path, args.format), args.split)
                    for path in args.paths]
    except ConfigError as exc:
        sys.stderr.write(f"escwatch eval: error: {exc}\n")
        return 2
    status = 0
    systems: list[System] = []
    unavailable: dict[str, str] = {}
    started = time.perf_counter()
    core = escwatch_system()
    if isinstance(core, str):
        out.write(core + "\n")
        unavailable["escwatch"] = core
        status = 1
    else:
        systems.append(core)
        out.write(f"escwatch core ready in {1000 * (time.perf_counter() - started):.0f} ms\n")
    if not args.no_baselines:
        systems.append(keyword_system())
        if any(r.entities is not None for d in datasets for r in d.records):
            peer = load_spacy_actors(args.spacy_model)
            if isinstance(peer, str):
                out.write(peer + "\n")
                unavailable["spacy-sm"] = peer
                status = 1 if args.spacy else status
            else:
                systems.append(spacy_system(peer))
    document: dict[str, Any] = {
        "schema": "escwatch.eval.v1",
        "unavailable": unavailable,
        "inputs": [],
    }
    for dataset in datasets:
        reports = {s.name: evaluate_dataset(dataset, s) for s in systems}
        print_report(out, dataset, reports)
        document["inputs"].append(
            {
                "path": dataset.path,
                "format": dataset.format,
                "records": len(dataset.records),
                "skipped": dict(dataset.skipped),
                "systems": {k: plain(v) for k, v in reports.items() if v is not None},
            }
        )
    if args.json is not None:
        try:
            args.json.write_bytes(
                orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
            )
        except OSError as exc:
            sys.stderr.write(f"escwatch eval: error: cannot write {args.json}: {exc}\n")
            return 2
    return status
