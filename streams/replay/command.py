"""``escwatch replay``: the argument parser and entry point."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from streams.errors import ConfigError
from streams.replay.files import replay_to_files, replay_topic_to_files
from streams.replay.inputs import OUTPUT_FILES, settings_with_knowledge
from streams.replay.kafka import replay_files_kafka, replay_topic_in_place, replay_topic_kafka
from streams.replay.progress import Progress
from streams.replay.topic import parse_time, resolve_range

__all__ = ["build_parser", "main"]

# ------------------------------------------------------------------- command


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``escwatch replay``."""
    p = argparse.ArgumentParser(
        prog="escwatch replay",
        description="Replay JSONL archives (files or folders) or a range of the articles topic "
                    "into an isolated run: its own consumer group and output topics suffixed "
                    "with the run id, or files with --out and no Kafka.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="archives: .jsonl/.txt files, folders")
    p.add_argument("--topic", nargs="?", const="", default=None, metavar="TOPIC",
                   help="replay a range of TOPIC (default ESCWATCH_TOPIC_RAW) instead of files")
    p.add_argument("--from-offset", type=int, help="first offset of the range (each partition)")
    p.add_argument("--to-offset", type=int, help="offset past the range's end (exclusive)")
    p.add_argument("--from-time", help="range start: RFC 3339 time or epoch ms (inclusive)")
    p.add_argument("--to-time", help="range end: RFC 3339 time or epoch ms (exclusive)")
    p.add_argument("--reset-offsets", action="store_true",
                   help="with --topic and a start bound only: no copy; the run's consumer "
                        "group offsets are reset to the start (by time or offset) and its "
                        "worker consumes TOPIC itself")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write analyzed/alerts/deadletter JSONL and run.json to DIR, no Kafka run")
    p.add_argument("--run-id", help="run id (default: derived from inputs and knowledge); an "
                                    "existing Kafka run's id is refused unless --resume")
    p.add_argument("--resume", action="store_true",
                   help="continue the existing Kafka run --run-id: the inputs are added to its "
                        "input topic and the run ends when all of its inputs are done")
    p.add_argument("--knowledge", type=Path, metavar="DIR",
                   help="knowledge folder overriding the packaged files "
                        "(default: ESCWATCH_KNOWLEDGE_DIR)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="give up a Kafka run after this many seconds (default 600)")
    p.add_argument("--progress", action="store_true", help="draw a progress bar even off a TTY")
    return p


def main(argv: list[str]) -> int:
    """Run ``escwatch replay``; print the summary; return the exit code."""
    args = build_parser().parse_args(argv)
    settings = settings_with_knowledge(args.knowledge)
    bounded = any(v is not None for v in (args.from_offset, args.to_offset, args.from_time,
                                           args.to_time))
    if args.topic is None and not args.paths:
        raise ConfigError("give archive paths, or --topic with a range")
    if args.topic is not None and args.paths:
        raise ConfigError("give archive paths or --topic, not both")
    if args.paths and bounded:
        raise ConfigError("--from-/--to- bounds apply to --topic replays only")
    if args.reset_offsets and (args.topic is None or args.out is not None
                               or args.to_offset is not None or args.to_time is not None):
        raise ConfigError("--reset-offsets needs --topic, no --out and no end bound "
                          "(--to-offset/--to-time need the exact, copying mode)")
    if args.resume and (args.run_id is None or args.out is not None):
        raise ConfigError("--resume continues a Kafka run: give its --run-id, and no --out")
    progress = Progress.wanted(args.progress)
    try:
        if args.paths:
            if args.out is not None:
                summary = replay_to_files(args.paths, args.out, settings, run_id=args.run_id,
                                          progress=progress)
            else:
                summary = replay_files_kafka(args.paths, settings, run_id=args.run_id,
                                             timeout=args.timeout, progress=progress,
                                             resume=args.resume)
        else:
            from streams.clients import consumer

            cons = consumer(settings)
            try:
                selection = resolve_range(
                    cons, args.topic or settings.topic_raw, from_offset=args.from_offset,
                    to_offset=args.to_offset,
                    from_time=parse_time(args.from_time) if args.from_time else None,
                    to_time=parse_time(args.to_time) if args.to_time else None)
            finally:
                cons.close()
            if args.reset_offsets:
                summary = replay_topic_in_place(settings, selection, run_id=args.run_id,
                                                timeout=args.timeout, progress=progress,
                                                resume=args.resume)
            elif args.out is not None:
                summary = replay_topic_to_files(settings, selection, args.out,
                                                run_id=args.run_id, progress=progress)
            else:
                summary = replay_topic_kafka(settings, selection, run_id=args.run_id,
                                             timeout=args.timeout, progress=progress,
                                             resume=args.resume)
    except KeyboardInterrupt:
        return 130
    print(summary.format())
    if args.out is not None:
        print(f"  outputs: {args.out}/ (run.json, {', '.join(OUTPUT_FILES.values())})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
