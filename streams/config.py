"""Settings: one frozen object built from the environment at start-up.

Every setting has an ``ESCWATCH_*`` (or standard ``KAFKA_*``) variable; the
README's configuration table lists them all. Nothing else in the project
reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from streams import topics
from streams.errors import ConfigError

__all__ = ["KafkaSecurity", "Settings"]


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from exc
    if value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum {minimum}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a number") from exc


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    value = _float(env, name, default)
    if not value > 0:
        raise ConfigError(f"{name}={value} must be above 0")
    return value


@dataclass(frozen=True, slots=True)
class KafkaSecurity:
    """TLS and SASL settings passed to every Kafka client.

    Attributes:
        protocol: security.protocol: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL.
        sasl_mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, or None.
        sasl_username: SASL user, or None.
        sasl_password: SASL password, or None; never logged (see ``__repr__``).
        ssl_cafile: CA bundle to verify the broker, or None for system CAs.
        ssl_certfile: Client certificate for mutual TLS, or None.
        ssl_keyfile: Client key for mutual TLS, or None.
    """

    protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> KafkaSecurity:
        """Read the ``KAFKA_SECURITY_PROTOCOL`` family of variables."""
        protocol = env.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").upper()
        if protocol not in {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}:
            raise ConfigError(f"KAFKA_SECURITY_PROTOCOL={protocol!r} is not one of "
                              "PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")
        mechanism = env.get("KAFKA_SASL_MECHANISM") or None
        if protocol.startswith("SASL") and mechanism is None:
            mechanism = "PLAIN"
        if mechanism and mechanism.upper() not in {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}:
            raise ConfigError(f"KAFKA_SASL_MECHANISM={mechanism!r} is not supported")
        sec = cls(
            protocol=protocol,
            sasl_mechanism=mechanism.upper() if mechanism else None,
            sasl_username=env.get("KAFKA_SASL_USERNAME") or None,
            sasl_password=env.get("KAFKA_SASL_PASSWORD") or None,
            ssl_cafile=env.get("KAFKA_SSL_CAFILE") or None,
            ssl_certfile=env.get("KAFKA_SSL_CERTFILE") or None,
            ssl_keyfile=env.get("KAFKA_SSL_KEYFILE") or None,
        )
        if protocol.startswith("SASL") and not (sec.sasl_username and sec.sasl_password):
            raise ConfigError(f"{protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
        return sec

    def kafka_python(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python clients."""
        conf: dict[str, Any] = {"security_protocol": self.protocol}
        if self.sasl_mechanism:
            conf.update(sasl_mechanism=self.sasl_mechanism,
                        sasl_plain_username=self.sasl_username,
                        sasl_plain_password=self.sasl_password)
        if "SSL" in self.protocol:
            conf.update(ssl_check_hostname=True, ssl_cafile=self.ssl_cafile,
                        ssl_certfile=self.ssl_certfile, ssl_keyfile=self.ssl_keyfile)
        return conf


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, read once from the environment.

    Attributes:
        bootstrap_servers: ``KAFKA_BOOTSTRAP_SERVERS``.
        app_id: Faust application id and consumer group (``ESCWATCH_APP_ID``).
        topic_raw: Input topic (``ESCWATCH_TOPIC_RAW``).
        topic_analyzed: One analysis per article (``ESCWATCH_TOPIC_ANALYZED``).
        topic_alerts: Alerts (``ESCWATCH_TOPIC_ALERTS``).
        topic_deadletter: Rejected input (``ESCWATCH_TOPIC_DEADLETTER``).
        partitions: Partitions for topics the worker creates.
        max_attempts: Starts on one message that ended in a crash before it is
            dead-lettered as poison (``ESCWATCH_MAX_ATTEMPTS``).
        article_time_budget: Wall-clock seconds one analysis may take before it
            is dead-lettered as ``budget_exceeded`` (0: unbounded).
        replication: Replication factor for topics the worker creates, capped
            at the number of live brokers (default 3).
        max_message_bytes: Largest accepted article message (default 1 MB).
        alert_threshold: Lowest article score that raises an alert.
        knowledge_dir: Folder of knowledge files overriding the packaged ones.
        web_host: Address of the health and metrics endpoint (127.0.0.1).
        web_port: Its port, or the first one tried (see ``web_port_range``).
        web_port_range: How many ports from ``web_port`` on a worker tries, so
            several workers share a host (1: only ``web_port``).
        data_dir: Faust's local state folder.
        run_id: Set for isolated replays: suffixes output topics.
        log_level: Logging level name.
        connect_timeout: Seconds the CLI tools wait for a first broker answer
            (``ESCWATCH_CONNECT_TIMEOUT``) before saying that none answers.
        reconnect_backoff_ms: First wait before reconnecting to a broker
            (``ESCWATCH_RECONNECT_BACKOFF_MS``); doubles on each failure.
        reconnect_backoff_max_ms: Longest wait between reconnects
            (``ESCWATCH_RECONNECT_BACKOFF_MAX_MS``).
        log_repeat_interval: Seconds between the summaries of repeated
            Kafka client log lines (``ESCWATCH_LOG_REPEAT_INTERVAL``).
        health_stale_seconds: ``/health`` is not ready when input is waiting
            and nothing was processed for this long (``ESCWATCH_HEALTH_STALE_SECONDS``).
        security: TLS / SASL settings for Kafka clients.
        topic_trends: Trend records the dashboard shows when the topic exists
            (``ESCWATCH_TOPIC_TRENDS``).
        dashboard_host: Bind address of ``escwatch dashboard`` (127.0.0.1).
        dashboard_port: Its port (``ESCWATCH_DASHBOARD_PORT``, 8066).
        dashboard_token: Access token the dashboard requires when set; never
            logged (see ``__repr__``).
        dashboard_history: Most alerts the dashboard keeps and shows.
        dashboard_text_mb: Memory budget for article texts kept by the dashboard.
    """

    bootstrap_servers: str = "127.0.0.1:9092"
    app_id: str = "escwatch"
    topic_raw: str = topics.RAW
    topic_analyzed: str = topics.ANALYZED
    topic_alerts: str = topics.ALERTS
    topic_deadletter: str = topics.DEADLETTER
    partitions: int = 1
    max_attempts: int = 2
    article_time_budget: float = 10.0
    replication: int = 3
    max_message_bytes: int = 1_000_000
    alert_threshold: float = 25.0
    knowledge_dir: Path | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    web_port_range: int = 10
    data_dir: Path = Path(".cache/escwatch-data")
    run_id: str | None = None
    log_level: str = "INFO"
    connect_timeout: float = 4.0
    reconnect_backoff_ms: int = 250
    reconnect_backoff_max_ms: int = 10_000
    log_repeat_interval: float = 30.0
    health_stale_seconds: float = 60.0
    security: KafkaSecurity = field(default_factory=KafkaSecurity)
    topic_trends: str = "monitoring.trends"
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = 8066
    dashboard_token: str | None = field(default=None, repr=False)
    dashboard_history: int = 10_000
    dashboard_text_mb: int = 64

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default: ``os.environ``).

        Raises:
            ConfigError: naming the variable that holds a bad value.
        """
        env = os.environ if env is None else env
        knowledge = env.get("ESCWATCH_KNOWLEDGE_DIR")
        return cls(
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
            app_id=env.get("ESCWATCH_APP_ID", "escwatch"),
            topic_raw=env.get("ESCWATCH_TOPIC_RAW", topics.RAW),
            topic_analyzed=env.get("ESCWATCH_TOPIC_ANALYZED", topics.ANALYZED),
            topic_alerts=env.get("ESCWATCH_TOPIC_ALERTS", topics.ALERTS),
            topic_deadletter=env.get("ESCWATCH_TOPIC_DEADLETTER", topics.DEADLETTER),
            partitions=_int(env, "ESCWATCH_PARTITIONS", 1, minimum=1),
            max_attempts=_int(env, "ESCWATCH_MAX_ATTEMPTS", 2, minimum=1),
            article_time_budget=_float(env, "ESCWATCH_ARTICLE_TIME_BUDGET", 10.0),
            replication=_int(env, "ESCWATCH_REPLICATION", 3, minimum=1),
            max_message_bytes=_int(env, "ESCWATCH_MAX_MESSAGE_BYTES", 1_000_000, minimum=1024),
            alert_threshold=_float(env, "ESCWATCH_ALERT_THRESHOLD", 25.0),
            knowledge_dir=Path(knowledge) if knowledge else None,
            web_host=env.get("ESCWATCH_WEB_HOST", "127.0.0.1"),
            web_port=_int(env, "ESCWATCH_WEB_PORT", 6066, minimum=1),
            web_port_range=_int(env, "ESCWATCH_WEB_PORT_RANGE", 10, minimum=1),
            data_dir=Path(env.get("ESCWATCH_DATA_DIR", ".cache/escwatch-data")),
            run_id=env.get("ESCWATCH_RUN_ID") or None,
            log_level=env.get("ESCWATCH_LOG_LEVEL", "INFO").upper(),
            connect_timeout=_positive(env, "ESCWATCH_CONNECT_TIMEOUT", 4.0),
            reconnect_backoff_ms=_int(env, "ESCWATCH_RECONNECT_BACKOFF_MS", 250, minimum=1),
            reconnect_backoff_max_ms=_int(env, "ESCWATCH_RECONNECT_BACKOFF_MAX_MS", 10_000,
                                          minimum=1),
            log_repeat_interval=_positive(env, "ESCWATCH_LOG_REPEAT_INTERVAL", 30.0),
            health_stale_seconds=_positive(env, "ESCWATCH_HEALTH_STALE_SECONDS", 60.0),
            security=KafkaSecurity.from_env(env),
            topic_trends=env.get("ESCWATCH_TOPIC_TRENDS", "monitoring.trends"),
            dashboard_host=env.get("ESCWATCH_DASHBOARD_HOST", "127.0.0.1"),
            dashboard_port=_int(env, "ESCWATCH_DASHBOARD_PORT", 8066, minimum=1),
            dashboard_token=env.get("ESCWATCH_DASHBOARD_TOKEN") or None,
            dashboard_history=_int(env, "ESCWATCH_DASHBOARD_HISTORY", 10_000, minimum=1),
            dashboard_text_mb=_int(env, "ESCWATCH_DASHBOARD_TEXT_MB", 64, minimum=0),
        )

    def for_run(self, run_id: str) -> Settings:
        """Settings of an isolated replay: own app id and suffixed outputs."""
        return replace(
            self,
            run_id=run_id,
            app_id=f"{self.app_id}-replay-{run_id}",
            topic_analyzed=f"{self.topic_analyzed}.{run_id}",
            topic_alerts=f"{self.topic_alerts}.{run_id}",
            topic_deadletter=f"{self.topic_deadletter}.{run_id}",
        )


# --------------------------------------------------------------------------
# The local development broker (``escwatch kafka``, :mod:`streams.localkafka`)
# --------------------------------------------------------------------------

LOCAL_KAFKA_VERSION = "4.1.1"
"""Pinned ``org.apache.kafka:kafka_2.13`` version of the local broker."""

LOCAL_KAFKA_PORT = 9092
"""Default PLAINTEXT port of the local broker (its KRaft controller: the next one)."""

_PROJECT_NAME = 'name = "escalation-watch"'


def _project_root(start: Path) -> Path | None:
    """``start`` or the nearest parent holding this project's ``pyproject.toml``."""
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        try:
            if _PROJECT_NAME in pyproject.read_text(errors="replace"):
                return folder
        except OSError:
            continue
    return None


def _user_cache(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CACHE_HOME", "").strip()
    root = Path(base).expanduser() if base else Path.home() / ".cache"
    return root / "escalation-watch" / "kafka"


@dataclass(frozen=True, slots=True)
class LocalBrokerSettings:
    """Where the local broker keeps its jars and state, and which one it runs.

    Never derived from the location of the installed package (that is
    site-packages once installed from a wheel): paths come from the
    environment, else from the working directory.

    Attributes:
        bootstrap_servers: ``KAFKA_BOOTSTRAP_SERVERS`` (stripped), an existing
            broker to use instead of starting one; None when unset.
        port: ``ESCWATCH_KAFKA_PORT``, default PLAINTEXT port (9092).
        kafka_version: ``ESCWATCH_KAFKA_VERSION`` (default 4.1.1).
        home: ``ESCWATCH_KAFKA_HOME``: the cache folder. Jars are resolved into
            ``<home>/<version>/libs``; a ``home`` whose own ``libs/`` holds Kafka's
            jars (an unpacked Kafka 4.x distribution) is used as is. Default:
            ``.cache/kafka`` of the project found from the working directory (the
            folder or a parent with this project's ``pyproject.toml``), else
            ``$XDG_CACHE_HOME/escalation-watch/kafka`` (``~/.cache/...``).
        state_dir: ``ESCWATCH_KAFKA_STATE``: pid files, configs, data and logs, one
            folder per port (default ``<home>/run``).
        compose_file: ``ESCWATCH_COMPOSE_FILE``, else the project's
            ``docker-compose.yml`` when there is one; None: no compose path.
        java_home: ``JAVA_HOME``, searched for ``bin/java`` before ``PATH``.
    """

    bootstrap_servers: str | None
    port: int
    kafka_version: str
    home: Path
    state_dir: Path
    compose_file: Path | None
    java_home: Path | None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None) -> LocalBrokerSettings:
        """Read the settings from ``env`` (default: ``os.environ``).

        Args:
            env: The environment.
            cwd: Folder the project is looked for from (default: the working directory).

        Raises:
            ConfigError: ``ESCWATCH_KAFKA_PORT`` is not a port number.
        """
        env = os.environ if env is None else env
        here = Path.cwd() if cwd is None else cwd

        def path(name: str) -> Path | None:
            raw = env.get(name, "").strip()
            return Path(raw).expanduser().resolve() if raw else None

        raw_port = env.get("ESCWATCH_KAFKA_PORT", "").strip()
        try:
            port = int(raw_port) if raw_port else LOCAL_KAFKA_PORT
        except ValueError as exc:
            raise ConfigError(f"ESCWATCH_KAFKA_PORT={raw_port!r} is not a whole number") from exc
        if not 1 <= port <= 65534:
            raise ConfigError(f"ESCWATCH_KAFKA_PORT={port} is not a port (1..65534)")
        project = _project_root(here.resolve())
        home = path("ESCWATCH_KAFKA_HOME") or (
            project / ".cache" / "kafka" if project is not None else _user_cache(env))
        compose = path("ESCWATCH_COMPOSE_FILE")
        if compose is None and project is not None and (project / "docker-compose.yml").is_file():
            compose = project / "docker-compose.yml"
        return cls(
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS", "").strip() or None,
            port=port,
            kafka_version=env.get("ESCWATCH_KAFKA_VERSION", "").strip() or LOCAL_KAFKA_VERSION,
            home=home,
            state_dir=path("ESCWATCH_KAFKA_STATE") or home / "run",
            compose_file=compose,
            java_home=path("JAVA_HOME"),
        )


__all__ += ["LocalBrokerSettings"]
