"""Exponential back-off for aiokafka's metadata refreshes while no broker answers.

aiokafka (the client under Faust) has no reconnect back-off: a failed
connection asks for a metadata refresh, the refresh fails at once on a
refused connection and the next request asks again, so during an outage its
metadata loop spins, using a CPU core and logging two errors per turn
(hundreds of thousands of lines a minute). Faust exposes no setting for it.

:func:`install` wraps ``AIOKafkaClient._metadata_update`` so that a failed
refresh waits before it reports its failure: ``initial_ms`` after the first,
doubling to ``max_ms``, with up to 20 % random jitter; a successful refresh
resets the wait. Everything waiting for metadata (producer sends, the
fetcher, the group coordinator) therefore retries at that pace. The settings
are ``ESCWATCH_RECONNECT_BACKOFF_MS`` and ``ESCWATCH_RECONNECT_BACKOFF_MAX_MS``,
the same ones the CLI's kafka-python clients get as ``reconnect_backoff_ms``
and ``reconnect_backoff_max_ms``.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["install", "probe_metadata"]

_MARK = "_escwatch_backoff"


def _delay(failures: int, initial_ms: int, max_ms: int) -> float:
    base = min(float(max_ms), initial_ms * 2.0 ** max(0, failures - 1))
    return base * (1.0 + 0.2 * random.random()) / 1000.0  # jitter, not cryptography


def install(initial_ms: int, max_ms: int) -> None:
    """Make aiokafka's failed metadata refreshes back off (idempotent; later calls
    only change the timings)."""
    from aiokafka.client import AIOKafkaClient  # type: ignore[import-untyped]

    timings = {"initial_ms": initial_ms, "max_ms": max(max_ms, initial_ms)}
    current = AIOKafkaClient._metadata_update
    if getattr(current, _MARK, None) is not None:
        getattr(current, _MARK).update(timings)
        return
    original: Callable[..., Awaitable[bool]] = current

    @functools.wraps(original)
    async def _metadata_update(self: Any, cluster_metadata: Any, topics: Any) -> bool:
        ok = await original(self, cluster_metadata, topics)
        failures: int = getattr(self, "_escwatch_md_failures", 0)
        if ok:
            self._escwatch_md_failures = 0
            return True
        failures += 1
        self._escwatch_md_failures = failures
        await asyncio.sleep(_delay(failures, timings["initial_ms"], timings["max_ms"]))
        return False

    setattr(_metadata_update, _MARK, timings)
    AIOKafkaClient._metadata_update = _metadata_update


async def probe_metadata(client: Any) -> bool:
    """Ask for cluster metadata once, without the back-off wait on failure.

    The readiness probe uses this so that it notices a returning broker at its
    next check, not after the current back-off.

    Returns:
        Whether a broker answered.
    """
    from aiokafka.client import AIOKafkaClient
    from aiokafka.cluster import ClusterMetadata  # type: ignore[import-untyped]

    update = AIOKafkaClient._metadata_update
    update = getattr(update, "__wrapped__", update)
    cluster = ClusterMetadata(metadata_max_age_ms=getattr(client, "_metadata_max_age_ms",
                                                          300_000))
    return bool(await update(client, cluster, None))
