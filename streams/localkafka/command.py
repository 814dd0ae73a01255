"""``escwatch kafka up|status|down [--port P] [--brokers N] [--keep-data]``."""

from __future__ import annotations

import argparse
import sys

from streams.config import LocalBrokerSettings
from streams.errors import ConfigError
from streams.localkafka import broker, cluster
from streams.localkafka.util import BrokerUnavailableError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="escwatch kafka",
        description="Find, start or stop the local Kafka broker (or a local cluster).")
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--port", type=int, default=None,
                        help="PLAINTEXT port, a cluster's first (default: $ESCWATCH_KAFKA_PORT "
                             "or 9092)")
    parser.add_argument("--brokers", type=int, default=1,
                        help="1: a single broker; more: a local replicated KRaft cluster")
    parser.add_argument("--timeout", type=float, default=180.0,
                        help="seconds to wait for readiness (up)")
    parser.add_argument("--keep-data", action="store_true",
                        help="up: restart a JVM broker on the topics and offsets of its "
                             "previous run (default: start empty)")
    return parser


def _cluster(args: argparse.Namespace, settings: LocalBrokerSettings) -> int:
    base: int = args.port if args.port is not None else settings.port
    if args.command == "down":
        stopped = cluster.down(base, settings)
        print(f"kafka cluster at base port {base}: stopped {stopped} node(s)")
        return 0
    nodes = cluster.layout(base, args.brokers, settings)
    if args.command == "status":
        seen = cluster.wait_ready(nodes, args.brokers, timeout=2.0)
        print(f"kafka cluster {'running' if seen else 'not running'} at {nodes.bootstrap}: "
              f"{seen} of {args.brokers} brokers registered")
        return 0 if seen >= args.brokers else 1
    try:
        nodes = cluster.up(base, args.brokers, timeout=args.timeout, settings=settings)
    except BrokerUnavailableError as exc:
        print(f"escwatch: {exc}", file=sys.stderr)
        return 1
    print(f"kafka cluster running at {nodes.bootstrap} ({args.brokers} KRaft nodes); "
          f"use KAFKA_BOOTSTRAP_SERVERS={nodes.bootstrap}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``up``, ``down`` or ``status`` and print one status line.

    Returns:
        0 on success (``status``: the broker runs), 1 otherwise, 2 on a bad setting.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.keep_data and args.command != "up":
        parser.error("--keep-data applies to up only")
    if args.brokers < 1:
        parser.error("--brokers must be at least 1")
    try:
        settings = LocalBrokerSettings.from_env()
    except ConfigError as exc:
        print(f"escwatch: {exc}", file=sys.stderr)
        return 2
    if args.brokers > 1:
        if args.keep_data:
            parser.error("--keep-data applies to the single broker only")
        return _cluster(args, settings)
    port: int = args.port if args.port is not None else settings.port
    try:
        if args.command == "up":
            result = broker.up(port, timeout=args.timeout, keep_data=args.keep_data,
                               settings=settings)
        elif args.command == "down":
            result = broker.down(args.port, settings)
        else:
            result = broker.status(port, settings)
    except BrokerUnavailableError as exc:
        print(f"kafka unavailable: {exc}", file=sys.stderr)
        return 1
    print(result.line())
    if args.command == "down":
        return 0
    return 0 if result.running else 1
