"""Is a Kafka broker answering, and what does its metadata say (through kafka-python).

"Answering" means a Kafka client can bootstrap from the address and the cluster
metadata lists at least one broker: an open TCP port alone is not enough. A
closed port is told at once; an open port that does not speak Kafka within
``timeout`` seconds (2 by default) is not a broker.
"""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass
from typing import Any

__all__ = ["PROBE_TIMEOUT", "ClusterInfo", "bootstrap_addresses", "port_open", "probe_metadata"]

PROBE_TIMEOUT = 2.0
"""Seconds a probe waits for a broker that accepted the connection to answer."""

_CLIENT_ID = "escwatch-localkafka-probe"


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """What a broker reported in its cluster metadata.

    Attributes:
        bootstrap: The address(es) probed.
        cluster_id: The KRaft cluster id, if reported.
        brokers: ``(node_id, host, port)`` of every live broker, by node id.
    """

    bootstrap: str
    cluster_id: str | None
    brokers: tuple[tuple[int, str, int], ...]


def bootstrap_addresses(bootstrap: str, default_port: int = 9092) -> list[tuple[str, int]]:
    """Parse ``host:port[,host:port]`` (optionally ``PLAINTEXT://``-prefixed, IPv6 in
    brackets) into ``(host, port)`` pairs; unparsable items are left out."""
    out: list[tuple[str, int]] = []
    for raw in bootstrap.split(","):
        item = raw.strip()
        if "://" in item:
            item = item.split("://", 1)[1]
        if not item:
            continue
        host, sep, port_text = item.rpartition(":")
        if not sep or "]" in port_text:
            host, port_text = item, str(default_port)
        host = host.strip("[]") or "127.0.0.1"
        try:
            out.append((host, int(port_text)))
        except ValueError:
            continue
    return out


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _admin_config(addresses: list[str], timeout: float) -> dict[str, Any]:
    from kafka import KafkaAdminClient

    ms = max(100, int(timeout * 1000))
    config: dict[str, Any] = {"bootstrap_servers": addresses, "client_id": _CLIENT_ID,
                              "request_timeout_ms": ms, "reconnect_backoff_max_ms": 500}
    # kafka-python 3 bounds the bootstrap itself; 2.x its api-version check.
    known = KafkaAdminClient.DEFAULT_CONFIG
    for key in ("bootstrap_timeout_ms", "api_version_auto_timeout_ms"):
        if key in known:
            config[key] = ms
    return config


def probe_metadata(bootstrap: str, timeout: float = PROBE_TIMEOUT) -> ClusterInfo | None:
    """Ask ``bootstrap`` for its cluster metadata with a short timeout.

    Args:
        bootstrap: ``host:port[,host:port...]``.
        timeout: Seconds to wait for an answer once a connection is accepted.

    Returns:
        What the cluster reported, or None if nothing answered with at least one
        live broker (closed ports, not Kafka, still starting, ...).
    """
    addresses = [(h, p) for h, p in bootstrap_addresses(bootstrap)
                 if port_open(p, h, timeout=min(timeout, 1.0))]
    if not addresses:
        return None
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    # A client whose bootstrap fails in __init__ keeps its IO thread and sockets
    # (kafka-python 3.0): build it in two steps so that it can still be closed.
    admin = KafkaAdminClient.__new__(KafkaAdminClient)
    try:
        admin.__init__(**_admin_config([f"{h}:{p}" for h, p in addresses], timeout))
        described: dict[str, Any] = admin.describe_cluster()
    except (KafkaError, OSError, ValueError):
        return None
    finally:
        with contextlib.suppress(Exception):
            admin._closed = False  # unset when __init__ failed; close() checks it
            admin.close()
    brokers = tuple(sorted(
        (int(b.get("broker_id", b.get("node_id", -1))), str(b["host"]), int(b["port"]))
        for b in described.get("brokers", ())))
    if not brokers:
        return None
    cluster_id = described.get("cluster_id")
    return ClusterInfo(bootstrap, str(cluster_id) if cluster_id else None, brokers)
