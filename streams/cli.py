"""The ``escwatch`` command line: worker, ingest, tail, analyze, kafka and tools.

Each sub-command is a small function over :class:`Settings`; heavy imports
(Faust, Kafka clients) happen inside the command that needs them, so
``escwatch analyze`` works on a machine with no broker at all.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from typing import Any

from streams import __version__, codec
from streams.config import Settings
from streams.errors import EscwatchError

__all__ = ["main"]

log = logging.getLogger("escwatch")


def _settings() -> Settings:
    return Settings.from_env()


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the Faust worker until interrupted (SIGINT/SIGTERM stop it cleanly)."""
    from faust.worker import Worker

    from streams import logs
    from streams.app import create_app

    class QuietWorker(Worker):
        """Faust's worker with repeated client log lines collapsed."""

        def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
            # At WARNING and above Faust's terminal spinner sets the root logger to
            # DEBUG so that every record turns it: each debug call of Faust and
            # aiokafka (several per message) then builds a record and runs the
            # handlers, which cost the worker about a third of its throughput.
            self.spinner = None
            super().on_setup_root_logger(logger, level)
            logs.install(settings.log_repeat_interval, logger)

    settings = _settings()
    app = create_app(settings)
    worker = QuietWorker(app, loglevel=settings.log_level, quiet=True, redirect_stdouts=False,
                         override_logging=True)
    worker.execute_from_commandline()
    return 0


def _refusal(exc: BaseException, by_broker: bool = True) -> str:
    """The broker's (or the producer's) reason for refusing a record, in one line."""
    name = type(exc).__name__
    detail = exc.args[0] if exc.args and exc.args[0] not in (None, "") else None
    if detail is None:
        detail = getattr(exc, "description", None) or getattr(exc, "message", None)
    code = getattr(exc, "message", None)
    where = "the broker" if by_broker and getattr(exc, "errno", None) is not None \
        else "the producer"
    text = f"{name} from {where}" + (f" ({code})" if isinstance(code, str) and code else "")
    return f"{text}: {detail}" if detail else text


class _Deliveries:
    """Tracks the send result of every ingested record and reports refusals.

    Each send's future is checked: a record is counted as published only when
    the broker acknowledged it. A batch refused as too large takes innocent
    neighbours with it, so a record refused for its size is sent once more
    alone; only a record refused on its own is reported refused.
    """

    def __init__(self, prod: Any, topic: str) -> None:
        self.prod = prod
        self.topic = topic
        self.published = 0
        self.refused = 0
        self._pending: list[tuple[str, Any, bytes | None, bytes]] = []

    def send(self, where: str, key: bytes | None, value: bytes) -> None:
        from kafka.errors import KafkaError

        try:
            future = self.prod.send(self.topic, key=key, value=value)
        except KafkaError as exc:  # refused before sending: too large for the producer
            self._refuse(where, exc, by_broker=False)
            return
        self._pending.append((where, future, key, value))
        if len(self._pending) >= 2000:
            self._settle(wait=False)

    def finish(self, timeout: float) -> None:
        from kafka.errors import KafkaError

        try:
            self.prod.flush(timeout=timeout)
        except KafkaError as exc:
            log.debug("flush: %s", exc)
        self._settle(wait=True, timeout=timeout)

    def _refuse(self, where: str, exc: BaseException, *, by_broker: bool = True) -> None:
        self.refused += 1
        print(f"{where}: refused: {_refusal(exc, by_broker)}", file=sys.stderr)

    def _settle(self, *, wait: bool, timeout: float = 0.0) -> None:
        from kafka.errors import KafkaError, MessageSizeTooLargeError

        still: list[tuple[str, Any, bytes | None, bytes]] = []
        for where, future, key, value in self._pending:
            if not wait and not future.is_done:
                still.append((where, future, key, value))
                continue
            try:
                future.get(timeout=max(timeout, 1.0))
                self.published += 1
                continue
            except MessageSizeTooLargeError as exc:
                error: BaseException = exc
            except KafkaError as exc:
                self._refuse(where, exc)
                continue
            # Refused with its batch: try it once on its own.
            try:
                self.prod.send(self.topic, key=key, value=value).get(timeout=max(timeout, 1.0))
                self.published += 1
            except KafkaError as exc:
                self._refuse(where, exc if str(exc) else error)
        self._pending = still


def cmd_ingest(args: argparse.Namespace) -> int:
    """Publish article events from files to the raw topic.

    Exit status: 0 when every record was published (invalid ones skipped with
    ``--skip-invalid``), 1 when the broker refused a record or a line was
    invalid, 2 when no broker answers.
    """
    from streams.clients import ensure_topics, producer
    from streams.sources import iter_inputs

    settings = _settings()
    topic = args.topic or settings.topic_raw
    bad = 0
    interval = 1.0 / args.rate if args.rate else 0.0
    next_at = time.perf_counter()
    # Created up front (with the configured partitions) rather than by the
    # broker's auto-creation on first send, which clients report as an error.
    ensure_topics(settings, [topic])
    prod = producer(settings)
    sends = _Deliveries(prod, topic)
    try:
        # With --raw no size check here: the producer's own limit (twice
        # ESCWATCH_MAX_MESSAGE_BYTES) and the broker's decide, and what they
        # refuse is reported by line like any refusal.
        for item in iter_inputs(args.paths,
                                max_bytes=None if args.raw else settings.max_message_bytes):
            where = f"{item.path}:{item.line}"
            if item.error is not None and not args.raw:
                bad += 1
                print(f"{where}: invalid article: {item.error}", file=sys.stderr)
                continue
            if args.raw:
                value, key = item.raw, None
                if item.event is not None:
                    key = str(item.event["id"]).encode()
            else:
                assert item.event is not None
                event = item.event
                if args.stamp:
                    event = {**event, "sent_at_ms": time.time() * 1000.0}
                value, key = codec.dumps(event), str(event["id"]).encode()
            if interval:
                delay = next_at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                next_at += interval
            sends.send(where, key, value)
        sends.finish(timeout=60)
    finally:
        prod.close(timeout=10)
    print(f"ingest: {sends.published} published to {topic}, {sends.refused} refused, "
          f"{bad} invalid" + (" (skipped)" if bad and args.skip_invalid else ""),
          file=sys.stderr)
    if sends.refused:
        return 1
    return 1 if bad and not args.skip_invalid else 0


def format_alert(alert: dict[str, Any]) -> str:
    """Render an alert for a terminal: headline, summary, evidence."""
    lines = [f"[{alert.get('time') or '-'}] {alert['level'].upper():8} score {alert['score']:5.1f}"
             f"  {alert.get('title') or alert['article_id']}",
             f"  {alert['summary']}",
             f"  actors: {', '.join(alert.get('actor_names') or []) or '-'}"]
    for ev in alert.get("evidence", []):
        lines.append(f"  > [{ev['signal_type']}, {ev['modality']}] {ev['sentence']}"
                     f"  (chars {ev['start']}-{ev['end']})")
    lines.append(f"  id {alert['id']}  article {alert['article_id']}")
    return "\n".join(lines)


def cmd_tail(args: argparse.Namespace) -> int:
    """Print messages from the alerts topic (or another) as they arrive."""
    from kafka import TopicPartition

    from streams.clients import consumer

    settings = _settings()
    topic = args.topic or settings.topic_alerts
    cons = consumer(settings, consumer_timeout_ms=500)
    seen: set[bytes] = set()
    shown = 0
    try:
        # The idle timeout also covers the wait for a topic that never appears.
        idle_since = time.monotonic()
        deadline = idle_since + 30
        while not cons.partitions_for_topic(topic):
            now = time.monotonic()
            if args.idle_timeout and now - idle_since > args.idle_timeout:
                print(f"tail: topic {topic} does not exist; gave up after "
                      f"{args.idle_timeout:g} s", file=sys.stderr)
                return 0
            if now > deadline:
                print(f"tail: topic {topic} does not exist yet; waiting", file=sys.stderr)
                deadline = now + 3600
            time.sleep(0.5)
        parts = [TopicPartition(topic, p) for p in sorted(cons.partitions_for_topic(topic))]
        cons.assign(parts)
        if args.from_beginning:
            cons.seek_to_beginning(*parts)
        else:
            cons.seek_to_end(*parts)
        idle_since = time.monotonic()
        while True:
            batch = cons.poll(timeout_ms=500)
            if not batch:
                if args.idle_timeout and time.monotonic() - idle_since > args.idle_timeout:
                    return 0
                continue
            idle_since = time.monotonic()
            for records in batch.values():
                for rec in records:
                    if args.dedupe and rec.key is not None:
                        if rec.key in seen:
                            continue
                        seen.add(rec.key)
                    if args.json:
                        print(rec.value.decode("utf-8", "replace"), flush=True)
                    else:
                        obj = codec.loads(rec.value)
                        text = format_alert(obj) if obj.get("schema") == "alert.v1" \
                            else rec.value.decode("utf-8", "replace")
                        print(text + "\n", flush=True)
                    shown += 1
                    if args.max_messages and shown >= args.max_messages:
                        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        cons.close()


def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyse article events offline and print one analysis.v1 line each."""
    from streams.pipeline import build_analyzer
    from streams.sources import iter_inputs

    analyzer = build_analyzer(_settings())
    bad = 0
    out = sys.stdout.buffer
    for item in iter_inputs(args.paths):
        if item.event is None:
            bad += 1
            print(f"{item.path}:{item.line}: invalid article: {item.error}", file=sys.stderr)
            continue
        try:
            article = codec.article_from_event(item.event)
        except EscwatchError as exc:
            bad += 1
            print(f"{item.path}:{item.line}: invalid article: {exc}", file=sys.stderr)
            continue
        out.write(codec.dumps(analyzer.analyze(article).to_dict()) + b"\n")
    out.flush()
    return 1 if bad and not args.skip_invalid else 0


def cmd_kafka(args: argparse.Namespace) -> int:
    """Start, stop or check the local development broker (or cluster)."""
    from streams.localkafka import command

    argv = [args.action, "--brokers", str(args.brokers)]
    if args.port is not None:
        argv += ["--port", str(args.port)]
    if args.keep_data:
        argv.append("--keep-data")
    return command.main(argv)


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the live dashboard page until interrupted."""
    from streams.dashboard.server import run

    return run(_settings(), host=args.host, port=args.port, capacity=args.history,
               allow_open=args.allow_open)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``escwatch`` and all its sub-commands."""
    parser = argparse.ArgumentParser(
        prog="escwatch", description="Escalation Watch: escalation alerts from news on Kafka.")
    parser.add_argument("--version", action="version", version=f"escwatch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("worker", help="run the stream processor (Faust worker)",
                       description="Consume articles.raw, publish analyses, alerts and dead "
                                   "letters. Configured by the environment (see README).")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("ingest", help="publish article events from files",
                       description="Publish JSONL article events (one per line) or .txt "
                                   "articles (title on the first line) to the raw topic.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for stdin")
    p.add_argument("--topic", help="target topic (default: ESCWATCH_TOPIC_RAW)")
    p.add_argument("--skip-invalid", action="store_true",
                   help="exit 0 even if some lines were invalid (they are still reported)")
    p.add_argument("--raw", action="store_true",
                   help="send lines as they are, unvalidated (the worker dead-letters bad ones)")
    p.add_argument("--stamp", action="store_true",
                   help="add sent_at_ms (send time) to each event, for latency measurement")
    p.add_argument("--rate", type=float, default=0.0, help="articles per second (0: no limit)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("tail", help="print alerts as they arrive",
                       description="Follow the alerts topic and print each alert.")
    p.add_argument("--topic", help="topic to follow (default: ESCWATCH_TOPIC_ALERTS)")
    p.add_argument("--json", action="store_true", help="print raw JSON lines")
    p.add_argument("--from-beginning", action="store_true", help="start at the oldest message")
    p.add_argument("--dedupe", action="store_true",
                   help="show each alert id once (redeliveries under at-least-once)")
    p.add_argument("--max-messages", type=int, default=0, help="exit after N messages")
    p.add_argument("--idle-timeout", type=float, default=0.0,
                   help="exit after this many seconds without a message (0: never)")
    p.set_defaults(func=cmd_tail)

    p = sub.add_parser("analyze", help="analyse articles offline, no Kafka",
                       description="Read JSONL article events (or .txt articles) and write one "
                                   "analysis.v1 JSON object per input line to stdout, in order.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for stdin")
    p.add_argument("--skip-invalid", action="store_true", help="exit 0 despite invalid lines")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("kafka", help="start/stop/check the local development broker",
                       description="Manage a local Apache Kafka broker: KAFKA_BOOTSTRAP_SERVERS "
                                   "if it answers, else Docker, else the JVM from Maven jars.")
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--port", type=int, default=None,
                   help="broker port (default: ESCWATCH_KAFKA_PORT or 9092)")
    p.add_argument("--keep-data", action="store_true",
                   help="up: restart the JVM broker on the topics and offsets of its previous "
                        "run (default: start empty)")
    p.add_argument("--brokers", type=int, default=1,
                   help="number of KRaft nodes; above 1 a local replicated cluster on --port, "
                        "--port+2, ... (JVM only; default 1)")
    p.set_defaults(func=cmd_kafka)

    p = sub.add_parser("dashboard", help="serve the live dashboard web page",
                       description="A read-only web page following the alerts topic (and "
                                   "the trends topic when it exists) in real time.")
    p.add_argument("--host", help="bind address (default ESCWATCH_DASHBOARD_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default ESCWATCH_DASHBOARD_PORT, 8066)")
    p.add_argument("--history", type=int, default=None,
                   help="most alerts kept and shown (default ESCWATCH_DASHBOARD_HISTORY, 10000)")
    p.add_argument("--allow-open", action="store_true",
                   help="allow a non-loopback address without ESCWATCH_DASHBOARD_TOKEN")
    p.set_defaults(func=cmd_dashboard)

    # Only listed here: main() hands these to their own parsers before parsing.
    for name, (_, text) in DELEGATED.items():
        p = sub.add_parser(name, help=text, add_help=False,
                           description=f"{text}. Run `escwatch {name} --help` for options.")
        p.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


DELEGATED: dict[str, tuple[str, str]] = {
    "eval": ("streams.evaluation.command",
             "score the core on labelled JSONL beside baselines"),
    "replay": ("streams.replay.command",
               "replay an archive or a topic range into an isolated run"),
    "backtest": ("streams.replay.backtest", "replay a labelled archive and write a report"),
    "bench": ("streams.bench.command", "measure throughput, latency and memory"),
}
"""The tools beside the worker: sub-command to (module with ``main(argv)``, help)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``escwatch`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # kafka-python logs every refused connection; the tools report failures
    # themselves, once, in their own words.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    if args_list and args_list[0] in DELEGATED:
        # These tools own their argument parsing (options may come first).
        try:
            module = __import__(DELEGATED[args_list[0]][0], fromlist=["main"])
            return int(module.main(args_list[1:]))
        except EscwatchError as exc:
            print(f"escwatch {args_list[0]}: error: {exc}", file=sys.stderr)
            return 2
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        code: int = args.func(args)
    except EscwatchError as exc:
        print(f"escwatch {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
