"""The local Kafka broker for development and tests: find one, or start one.

``escwatch kafka up`` (:func:`up`) uses ``KAFKA_BOOTSTRAP_SERVERS`` when it
answers, else a broker already answering on the local port, else ``docker
compose`` when a Docker engine answers, else a KRaft broker on the JVM from
Maven Central jars. Modules:

* :mod:`~streams.localkafka.probe`: is a broker answering (kafka-python), metadata;
* :mod:`~streams.localkafka.jvm`: jars via Maven, KRaft format, the JVM process;
* :mod:`~streams.localkafka.docker`: docker compose, and testcontainers for tests;
* :mod:`~streams.localkafka.state`: pid, port and data-dir state files;
* :mod:`~streams.localkafka.broker`: the single broker's up, status and down;
* :mod:`~streams.localkafka.cluster`: a local replicated 3-node cluster;
* :mod:`~streams.localkafka.command`: the ``escwatch kafka`` command line;
* :mod:`~streams.localkafka.util`: a free port, a log file's tail, for everyone.

Its settings (:class:`streams.config.LocalBrokerSettings`) never point next to
this package: its cache is ``ESCWATCH_KAFKA_HOME``, else the project's
``.cache/kafka`` found from the working directory, else the user cache.
"""

from __future__ import annotations

from streams.config import LOCAL_KAFKA_PORT as DEFAULT_PORT
from streams.config import LOCAL_KAFKA_VERSION as DEFAULT_KAFKA_VERSION
from streams.localkafka.broker import down, find_or_start, status, up
from streams.localkafka.command import main
from streams.localkafka.probe import ClusterInfo, probe_metadata
from streams.localkafka.state import BrokerStatus
from streams.localkafka.util import BrokerUnavailableError, free_port, log_tail

__all__ = [
    "DEFAULT_KAFKA_VERSION",
    "DEFAULT_PORT",
    "BrokerStatus",
    "BrokerUnavailableError",
    "ClusterInfo",
    "down",
    "find_or_start",
    "free_port",
    "log_tail",
    "main",
    "probe_metadata",
    "status",
    "up",
]
