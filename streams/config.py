"""Settings: one frozen object built from the environment at start-up.

Every setting is declared once, in :data:`SETTINGS` (and the Kafka security
variables in :data:`SECURITY_SETTINGS`): its environment variable, its
default and what it means. :meth:`Settings.from_env` reads the environment
through that table, :meth:`Settings.to_env` writes a :class:`Settings` back
into variables (for a child worker), and the README's configuration table
is rendered from it (:func:`readme_rows`; a unit test keeps them equal).
Nothing else in the project reads the environment.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from streams import topics
from streams.core.scoring import ScoringOptions
from streams.errors import ConfigError

__all__ = ["LOCAL_BROKER_SETTINGS", "MAX_MESSAGE_BYTES", "SECURITY_SETTINGS", "SETTINGS",
           "KafkaSecurity", "Setting", "Settings", "readme_rows"]

MAX_MESSAGE_BYTES = 1_000_000
"""The 1 MB limit: the default largest accepted article message and the largest
record value the worker publishes (Faust's default producer ``max_request_size``
and about the broker's default ``message.max.bytes``)."""

Kind = Literal["str", "upper", "optional", "path", "optional_path", "int", "float",
               "positive", "flag"]

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class Setting:
    """The declaration of one setting.

    Attributes:
        name: Attribute of :class:`Settings` (or :class:`KafkaSecurity`).
        env: Its environment variable.
        default: Its default value (None: unset).
        doc: What it means, as the README's configuration table says it.
        kind: How the text is read: ``str``, ``upper`` (upper-cased), ``optional``
            (empty is None), ``path``, ``optional_path``, ``int``, ``float`` or
            ``positive`` (a float above 0) or ``flag`` (1/true/yes/on or 0/false/no/off).
        minimum: Smallest accepted value of an ``int``.
        shown: The default as the README shows it, when not the value itself.
    """

    name: str
    env: str
    default: Any
    doc: str
    kind: Kind = "str"
    minimum: int = 0
    shown: str | None = None

    def read(self, env: Mapping[str, str]) -> Any:
        """The value of this setting in ``env``; unset or empty gives the default.

        Raises:
            ConfigError: naming the variable when its text is not a valid value.
        """
        raw = env.get(self.env)
        if raw is None or raw == "":
            return self.default
        if self.kind in ("str", "optional"):
            return raw
        if self.kind == "upper":
            return raw.upper()
        if self.kind == "flag":
            word = raw.strip().lower()
            if word not in _TRUE + _FALSE:
                raise ConfigError(f"{self.env}={raw!r} is not one of 1/true/yes/on, 0/false/no/off")
            return word in _TRUE
        if self.kind in ("path", "optional_path"):
            return Path(raw)
        if self.kind == "int":
            try:
                number = int(raw)
            except ValueError as exc:
                raise ConfigError(f"{self.env}={raw!r} is not a whole number") from exc
            if number < self.minimum:
                raise ConfigError(f"{self.env}={number} is below the minimum {self.minimum}")
            return number
        try:
            value = float(raw)
        except ValueError as exc:
            raise ConfigError(f"{self.env}={raw!r} is not a number") from exc
        if self.kind == "positive" and not value > 0:
            raise ConfigError(f"{self.env}={value} must be above 0")
        return value

    def text(self, value: Any) -> str:
        """``value`` as the variable's text, which :meth:`read` turns back into it
        (None becomes the empty text, which reads as unset)."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, float):
            return repr(value)
        return str(value)

    def readme_default(self) -> str:
        """The default as the README's table shows it."""
        if self.shown is not None:
            return self.shown
        if self.default is None:
            return "–"
        if isinstance(self.default, float) and self.default.is_integer():
            return f"`{int(self.default)}`"
        return f"`{self.default}`"


SETTINGS: tuple[Setting, ...] = (
    Setting("bootstrap_servers", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
            "comma-separated brokers"),
    Setting("app_id", "ESCWATCH_APP_ID", "escwatch", "Faust app id and consumer group"),
    Setting("topic_raw", "ESCWATCH_TOPIC_RAW", topics.RAW, "input topic"),
    Setting("topic_analyzed", "ESCWATCH_TOPIC_ANALYZED", topics.ANALYZED, "analyses"),
    Setting("topic_alerts", "ESCWATCH_TOPIC_ALERTS", topics.ALERTS, "alerts"),
    Setting("topic_deadletter", "ESCWATCH_TOPIC_DEADLETTER", topics.DEADLETTER,
            "rejected input"),
    Setting("partitions", "ESCWATCH_PARTITIONS", 1, "partitions of topics the worker creates",
            "int", minimum=1),
    Setting("max_attempts", "ESCWATCH_MAX_ATTEMPTS", 2,
            "unfinished starts on one message (each ended by a crash) before it is "
            "dead-lettered as `poison`", "int", minimum=1),
    Setting("article_time_budget", "ESCWATCH_ARTICLE_TIME_BUDGET", 10.0,
            "seconds one analysis may take before the message is dead-lettered as "
            "`budget_exceeded` (`0`: unbounded)", "float"),
    Setting("batch_size", "ESCWATCH_BATCH_SIZE", 100,
            "most input messages the worker analyses and publishes as one batch (`1`: one "
            "at a time); each message is still acked only once the broker holds all of its "
            "outputs", "int", minimum=1),
    Setting("batch_wait", "ESCWATCH_BATCH_WAIT", 0.0,
            "seconds a batch may wait for more input once nothing more is buffered (`0`: "
            "take what is waiting, never wait)", "float"),
    Setting("replication", "ESCWATCH_REPLICATION", 3,
            "replication of topics the worker creates, capped at the live brokers "
            "(`min.insync.replicas` 2 from three replicas on)", "int", minimum=1),
    Setting("max_message_bytes", "ESCWATCH_MAX_MESSAGE_BYTES", MAX_MESSAGE_BYTES,
            "largest accepted article message; larger ones are dead-lettered", "int",
            minimum=1024),
    Setting("alert_threshold", "ESCWATCH_ALERT_THRESHOLD", ScoringOptions().alert_threshold,
            "lowest article score (0–100) that raises an alert (fitted; see Alert levels)",
            "float"),
    Setting("knowledge_dir", "ESCWATCH_KNOWLEDGE_DIR", None,
            "folder of knowledge files replacing the packaged ones", "optional_path",
            shown="packaged"),
    Setting("web_host", "ESCWATCH_WEB_HOST", "127.0.0.1",
            "bind address of `/health` and `/metrics`"),
    Setting("web_port", "ESCWATCH_WEB_PORT", 6066, "their port, or the first one tried", "int",
            minimum=1),
    Setting("web_port_range", "ESCWATCH_WEB_PORT_RANGE", 10,
            "ports tried from `ESCWATCH_WEB_PORT` on, so several workers share a host "
            "(`1`: that port or fail)", "int", minimum=1),
    Setting("data_dir", "ESCWATCH_DATA_DIR", Path(".cache/escwatch-data"),
            "Faust's local state", "path"),
    Setting("run_id", "ESCWATCH_RUN_ID", None, "set by replays: suffixes output topics",
            "optional"),
    Setting("log_level", "ESCWATCH_LOG_LEVEL", "INFO", "worker log level", "upper"),
    Setting("log_repeat_interval", "ESCWATCH_LOG_REPEAT_INTERVAL", 30.0,
            "seconds: a repeated Kafka/Faust log message is written once per interval, with "
            "the count of repeats dropped", "positive"),
    Setting("connect_timeout", "ESCWATCH_CONNECT_TIMEOUT", 4.0,
            "seconds the CLI tools (ingest, tail, replay, backtest) wait for a first broker "
            "answer before saying none answers", "positive"),
    Setting("reconnect_backoff_ms", "ESCWATCH_RECONNECT_BACKOFF_MS", 250,
            "first wait before reconnecting after a failed connection or metadata refresh "
            "(worker and CLI); doubles each time", "int", minimum=1),
    Setting("reconnect_backoff_max_ms", "ESCWATCH_RECONNECT_BACKOFF_MAX_MS", 10_000,
            "longest such wait", "int", minimum=1),
    Setting("health_stale_seconds", "ESCWATCH_HEALTH_STALE_SECONDS", 60.0,
            "`/health` is not ready when input is waiting (lag > 0) and nothing was processed "
            "for this long", "positive"),
    Setting("topic_trends", "ESCWATCH_TOPIC_TRENDS", "monitoring.trends",
            "trend records the dashboard shows when the topic exists"),
    Setting("stories", "ESCWATCH_STORIES", False,
            "run the story and trend agents beside the article agent (`1` to turn on; "
            "see docs/stories.md)", "flag", shown="off"),
    Setting("dashboard_host", "ESCWATCH_DASHBOARD_HOST", "127.0.0.1",
            "bind address of `escwatch dashboard`"),
    Setting("dashboard_port", "ESCWATCH_DASHBOARD_PORT", 8066, "its port", "int", minimum=1),
    Setting("dashboard_token", "ESCWATCH_DASHBOARD_TOKEN", None,
            "when set, the page and its API require it (never logged or shown)", "optional"),
    Setting("dashboard_history", "ESCWATCH_DASHBOARD_HISTORY", 10_000,
            "most alerts the dashboard keeps (the last N of the topic)", "int", minimum=1),
    Setting("dashboard_text_mb", "ESCWATCH_DASHBOARD_TEXT_MB", 64,
            "memory budget for the article texts it keeps", "int", minimum=0),
)
"""Every setting of :class:`Settings` but ``security``, in the README's order."""

SECURITY_SETTINGS: tuple[Setting, ...] = (
    Setting("protocol", "KAFKA_SECURITY_PROTOCOL", "PLAINTEXT",
            "`PLAINTEXT`, `SSL`, `SASL_PLAINTEXT`, `SASL_SSL`", "upper"),
    Setting("sasl_mechanism", "KAFKA_SASL_MECHANISM", None,
            "`PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`", "optional", shown="`PLAIN` when SASL"),
    Setting("sasl_username", "KAFKA_SASL_USERNAME", None, "SASL user name", "optional"),
    Setting("sasl_password", "KAFKA_SASL_PASSWORD", None,
            "SASL password (never logged)", "optional"),
    Setting("ssl_cafile", "KAFKA_SSL_CAFILE", None, "CA bundle that verifies the broker",
            "optional", shown="system CAs"),
    Setting("ssl_certfile", "KAFKA_SSL_CERTFILE", None,
            "client certificate for mutual TLS", "optional"),
    Setting("ssl_keyfile", "KAFKA_SSL_KEYFILE", None, "client key for mutual TLS", "optional"),
)
"""The TLS / SASL settings of :class:`KafkaSecurity`."""

LOCAL_BROKER_SETTINGS: tuple[Setting, ...] = (
    Setting("port", "ESCWATCH_KAFKA_PORT", 9092, "port of the local broker (`escwatch kafka`)",
            "int", minimum=1),
    Setting("kafka_version", "ESCWATCH_KAFKA_VERSION", "4.1.1",
            "Kafka version the local broker resolves"),
    Setting("home", "ESCWATCH_KAFKA_HOME", None,
            "the local broker's cache: jars in `<version>/libs` (or an unpacked Kafka "
            "distribution)", "optional_path",
            shown="`.cache/kafka` of the project in the working directory, else "
                  "`~/.cache/escalation-watch/kafka`"),
    Setting("state_dir", "ESCWATCH_KAFKA_STATE", None, "its pid, config, data and log",
            "optional_path", shown="`<ESCWATCH_KAFKA_HOME>/run`"),
    Setting("compose_file", "ESCWATCH_COMPOSE_FILE", None,
            "compose file `escwatch kafka up` uses when a Docker engine answers",
            "optional_path", shown="the project's `docker-compose.yml`"),
)
"""The local development broker's settings (:class:`LocalBrokerSettings`, ``escwatch kafka``)."""

_DEFAULTS: dict[str, Any] = {s.name: s.default for s in (*SETTINGS, *SECURITY_SETTINGS)}
_SECURITY = {s.name: s for s in SECURITY_SETTINGS}


def readme_rows() -> list[str]:
    """The README's configuration table rows of every declared setting, in order:
    ``| `VARIABLE` | default | meaning |``."""
    declared = (SETTINGS[0], *SECURITY_SETTINGS, *SETTINGS[1:], *LOCAL_BROKER_SETTINGS)
    return [f"| `{s.env}` | {s.readme_default()} | {s.doc} |" for s in declared]


@dataclass(frozen=True, slots=True)
class KafkaSecurity:
    """TLS and SASL settings passed to every Kafka client (see :data:`SECURITY_SETTINGS`).

    Attributes:
        protocol: security.protocol: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL.
        sasl_mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, or None.
        sasl_username: SASL user, or None.
        sasl_password: SASL password, or None; never logged (see ``__repr__``).
        ssl_cafile: CA bundle to verify the broker, or None for system CAs.
        ssl_certfile: Client certificate for mutual TLS, or None.
        ssl_keyfile: Client key for mutual TLS, or None.
    """

    protocol: str = _DEFAULTS["protocol"]
    sasl_mechanism: str | None = _DEFAULTS["sasl_mechanism"]
    sasl_username: str | None = _DEFAULTS["sasl_username"]
    sasl_password: str | None = field(default=_DEFAULTS["sasl_password"], repr=False)
    ssl_cafile: str | None = _DEFAULTS["ssl_cafile"]
    ssl_certfile: str | None = _DEFAULTS["ssl_certfile"]
    ssl_keyfile: str | None = _DEFAULTS["ssl_keyfile"]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> KafkaSecurity:
        """Read the ``KAFKA_SECURITY_PROTOCOL`` family of variables."""
        values = {s.name: s.read(env) for s in SECURITY_SETTINGS}
        protocol = values["protocol"]
        if protocol not in {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}:
            raise ConfigError(f"KAFKA_SECURITY_PROTOCOL={protocol!r} is not one of "
                              "PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")
        mechanism = values["sasl_mechanism"]
        if protocol.startswith("SASL") and mechanism is None:
            mechanism = "PLAIN"
        if mechanism and mechanism.upper() not in {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}:
            raise ConfigError(f"KAFKA_SASL_MECHANISM={mechanism!r} is not supported")
        sec = cls(**{**values, "sasl_mechanism": mechanism.upper() if mechanism else None})
        if protocol.startswith("SASL") and not (sec.sasl_username and sec.sasl_password):
            raise ConfigError(f"{protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
        return sec

    def to_env(self) -> dict[str, str]:
        """These settings as the variables :meth:`from_env` reads back into them."""
        return {s.env: s.text(getattr(self, s.name)) for s in SECURITY_SETTINGS}

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

    Each attribute but ``security`` is declared in :data:`SETTINGS`, which holds
    its environment variable, default and meaning; ``security`` holds the
    :data:`SECURITY_SETTINGS`. The defaults below come from those tables.
    """

    bootstrap_servers: str = _DEFAULTS["bootstrap_servers"]
    app_id: str = _DEFAULTS["app_id"]
    topic_raw: str = _DEFAULTS["topic_raw"]
    topic_analyzed: str = _DEFAULTS["topic_analyzed"]
    topic_alerts: str = _DEFAULTS["topic_alerts"]
    topic_deadletter: str = _DEFAULTS["topic_deadletter"]
    partitions: int = _DEFAULTS["partitions"]
    max_attempts: int = _DEFAULTS["max_attempts"]
    article_time_budget: float = _DEFAULTS["article_time_budget"]
    batch_size: int = _DEFAULTS["batch_size"]
    batch_wait: float = _DEFAULTS["batch_wait"]
    replication: int = _DEFAULTS["replication"]
    max_message_bytes: int = _DEFAULTS["max_message_bytes"]
    alert_threshold: float = _DEFAULTS["alert_threshold"]
    knowledge_dir: Path | None = _DEFAULTS["knowledge_dir"]
    web_host: str = _DEFAULTS["web_host"]
    web_port: int = _DEFAULTS["web_port"]
    web_port_range: int = _DEFAULTS["web_port_range"]
    data_dir: Path = _DEFAULTS["data_dir"]
    run_id: str | None = _DEFAULTS["run_id"]
    log_level: str = _DEFAULTS["log_level"]
    connect_timeout: float = _DEFAULTS["connect_timeout"]
    reconnect_backoff_ms: int = _DEFAULTS["reconnect_backoff_ms"]
    reconnect_backoff_max_ms: int = _DEFAULTS["reconnect_backoff_max_ms"]
    log_repeat_interval: float = _DEFAULTS["log_repeat_interval"]
    health_stale_seconds: float = _DEFAULTS["health_stale_seconds"]
    security: KafkaSecurity = field(default_factory=KafkaSecurity)
    topic_trends: str = _DEFAULTS["topic_trends"]
    stories: bool = _DEFAULTS["stories"]
    dashboard_host: str = _DEFAULTS["dashboard_host"]
    dashboard_port: int = _DEFAULTS["dashboard_port"]
    dashboard_token: str | None = field(default=_DEFAULTS["dashboard_token"], repr=False)
    dashboard_history: int = _DEFAULTS["dashboard_history"]
    dashboard_text_mb: int = _DEFAULTS["dashboard_text_mb"]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default: ``os.environ``) through :data:`SETTINGS`.

        An unset or empty variable gives the setting's default.

        Raises:
            ConfigError: naming the variable that holds a bad value.
        """
        env = os.environ if env is None else env
        values = {s.name: s.read(env) for s in SETTINGS}
        return cls(**values, security=KafkaSecurity.from_env(env))

    def to_env(self) -> dict[str, str]:
        """Every setting as its environment variable, so that
        ``Settings.from_env(s.to_env()) == s``.

        Used to start a worker process on these settings (replays, the bench):
        merge it over ``os.environ``. An unset optional setting is the empty
        text, which :meth:`from_env` reads as unset, so it also hides an
        inherited variable.
        """
        env = {s.env: s.text(getattr(self, s.name)) for s in SETTINGS}
        env.update(self.security.to_env())
        return env

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


# ---------------------------------------------------------------------------------------
# End of the Settings declarations. Sections appended below this line belong to other
# parts of the project.

# --------------------------------------------------------------------------
# The local development broker (``escwatch kafka``, :mod:`streams.localkafka`)
# --------------------------------------------------------------------------

_LOCAL = {s.name: s for s in LOCAL_BROKER_SETTINGS}

LOCAL_KAFKA_VERSION: str = _LOCAL["kafka_version"].default
"""Pinned ``org.apache.kafka:kafka_2.13`` version of the local broker."""

LOCAL_KAFKA_PORT: int = _LOCAL["port"].default
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

        values = {s.name: s.read({k: v.strip() for k, v in env.items()
                                  if k == s.env}) for s in LOCAL_BROKER_SETTINGS}
        port: int = values["port"]
        if port > 65534:
            raise ConfigError(f"ESCWATCH_KAFKA_PORT={port} is not a port (1..65534)")
        project = _project_root(here.resolve())
        home = path(_LOCAL["home"].env) or (
            project / ".cache" / "kafka" if project is not None else _user_cache(env))
        compose = path(_LOCAL["compose_file"].env)
        if compose is None and project is not None and (project / "docker-compose.yml").is_file():
            compose = project / "docker-compose.yml"
        return cls(
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS", "").strip() or None,
            port=port,
            kafka_version=values["kafka_version"],
            home=home,
            state_dir=path(_LOCAL["state_dir"].env) or home / "run",
            compose_file=compose,
            java_home=path("JAVA_HOME"),
        )


__all__ += ["LocalBrokerSettings"]


if __name__ == "__main__":  # python -m streams.config: print the README's table rows
    sys.stdout.write("\n".join(readme_rows()) + "\n")
