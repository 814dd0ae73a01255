"""The worker's topics, declared and created before it subscribes.

A worker that subscribes to a topic the broker does not know yet gets no
partitions until its next metadata refresh, and a producer that sends to a
missing topic leaves it to the broker's auto-creation (one partition, the
broker's replication). So the worker creates its input and output topics at
start, with the partitions and replication its settings ask for, waiting for
the broker when it is not up yet: workers and brokers start in any order.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams import clients
from streams.config import Settings

__all__ = ["TopicPlan", "ensure_worker_topics", "pick_web_port", "plan", "worker_topics"]

log = logging.getLogger(__name__)

BACKOFF_START = 0.5
"""First wait, in seconds, before asking an unreachable broker again."""
BACKOFF_MAX = 15.0
"""Longest wait between two attempts."""


def worker_topics(settings: Settings) -> list[str]:
    """The topics one worker reads and writes, input first.

    With the story agents on, ``monitoring.trends`` too: the story step only sends
    to it, and a send to a topic the producer has no leader for stalls the
    producer's other partitions until the topic appears."""
    names = [settings.topic_raw, settings.topic_analyzed, settings.topic_alerts,
             settings.topic_deadletter]
    if settings.stories:
        names.append(settings.topic_trends)
    return names


@dataclass(frozen=True, slots=True)
class TopicPlan:
    """How the worker's topics are created on a cluster of a given size.

    Attributes:
        partitions: Partitions of each new topic.
        replication: Replication factor: the setting, capped at the cluster size.
        min_insync: ``min.insync.replicas``: 2 where there are 3 or more replicas,
            so an ``acks=all`` write survives the loss of one broker.
    """

    partitions: int
    replication: int
    min_insync: int


def plan(settings: Settings, brokers: int) -> TopicPlan:
    """Partitions and replication for ``settings`` on ``brokers`` live brokers."""
    replication = max(1, min(settings.replication, brokers))
    return TopicPlan(partitions=settings.partitions, replication=replication,
                     min_insync=2 if replication >= 3 else 1)


def _create_missing(settings: Settings) -> list[str]:
    client = clients.admin(settings)
    try:
        brokers = len(client.describe_cluster().get("brokers", [])) or 1
        chosen = plan(settings, brokers)
        existing = set(client.list_topics())
        new = [NewTopic(name, chosen.partitions, chosen.replication,
                        topic_configs={"min.insync.replicas": str(chosen.min_insync)})
               for name in worker_topics(settings) if name not in existing]
        if new:
            # Another worker may create them between the listing and here.
            with contextlib.suppress(TopicAlreadyExistsError):
                client.create_topics(new)
            log.info("created topics %s (%d partitions, replication %d, min.insync.replicas %d)",
                     ", ".join(t.name for t in new), chosen.partitions, chosen.replication,
                     chosen.min_insync)
        return [t.name for t in new]
    finally:
        client.close()


def ensure_worker_topics(settings: Settings, stop: threading.Event | None = None,
                         sleep: Callable[[float], object] = time.sleep) -> list[str]:
    """Create the worker's missing topics, waiting for the broker if need be.

    An unreachable broker is logged once, then asked again with a doubling
    back-off (capped at :data:`BACKOFF_MAX`) until it answers or ``stop`` is set.

    Args:
        settings: Bootstrap servers, topic names, partitions and replication.
        stop: Set by the caller to give up waiting.
        sleep: How to wait between attempts (tests pass a fake).

    Returns:
        The names of the topics created (empty when all existed).
    """
    delay = BACKOFF_START
    waiting = False
    while True:
        try:
            created = _create_missing(settings)
        except (clients.KafkaUnavailableError, KafkaError, OSError) as exc:
            if stop is not None and stop.is_set():
                raise
            if not waiting:
                log.warning("waiting for Kafka at %s to create the worker's topics (%s)",
                            settings.bootstrap_servers, exc)
                waiting = True
            sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)
            continue
        if waiting:
            log.warning("Kafka at %s answers again; topics are ready", settings.bootstrap_servers)
        return created


def pick_web_port(host: str, first: int, count: int) -> tuple[int, IO[bytes] | None]:
    """The first port from ``first`` on (``count`` tried) that ``host`` can bind.

    Several workers on one host each take the next free port instead of
    exiting on a clash; with ``count`` 1 only ``first`` is tried. Workers
    started at the same moment would all find the same port free, so each
    also takes an exclusive lock on a per-port file in the temporary folder
    and keeps it for its lifetime (the lock goes with the process).

    Returns:
        The port, and the open lock file to keep (None when locking is not
        possible on this system).

    Raises:
        OSError: when none of them is free.
    """
    last_error: OSError | None = None
    for port in range(first, first + max(1, count)):
        lock = _lock_port(host, port)
        if lock is False:
            last_error = OSError(f"port {port} is claimed by another worker")
            continue
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                last_error = exc
                if lock is not None:
                    lock.close()
                continue
        return port, lock
    raise OSError(f"no free web port on {host} in {first}..{first + max(1, count) - 1} "
                  f"({last_error}); set ESCWATCH_WEB_PORT or ESCWATCH_WEB_PORT_RANGE")


def _lock_port(host: str, port: int) -> IO[bytes] | Literal[False] | None:
    """An exclusive lock on ``host:port``'s claim file, False when another process holds
    it, or None where file locks are not available."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: fall back to the bind probe alone
        return None
    path = Path(tempfile.gettempdir()) / f"escwatch-web-{host}-{port}.lock"
    try:
        handle = path.open("ab")
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return False
    return handle
