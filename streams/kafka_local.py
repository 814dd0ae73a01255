"""A real local Apache Kafka broker for development and tests, without Docker.

The module finds or starts a single-node Kafka broker and reports where it is.
:func:`up` tries, in order:

1. ``KAFKA_BOOTSTRAP_SERVERS`` from the environment, if it answers Kafka
   metadata requests (mode ``"external"``);
2. an already-running broker on ``127.0.0.1:<port>`` (reused as is);
3. a Docker engine that answers ``docker info`` within a few seconds, running
   ``docker compose -f docker-compose.yml up -d kafka`` (mode ``"docker"``);
4. Java >= 17: the pinned ``org.apache.kafka:kafka_2.13`` jars and their
   runtime dependencies are resolved once with Maven into a git-ignored cache
   and a combined broker+controller (KRaft) JVM is started detached
   (mode ``"jvm"``).

Readiness always means "answers a Kafka Metadata request and lists at least one
broker", checked with a raw ApiVersions + Metadata exchange over a socket (an
open TCP port alone is not enough).

Environment variables:

* ``KAFKA_BOOTSTRAP_SERVERS``: an existing broker to use instead of starting one.
* ``ESCWATCH_KAFKA_VERSION``: Kafka version to resolve (default
  :data:`DEFAULT_KAFKA_VERSION`).
* ``ESCWATCH_KAFKA_HOME``: directory whose ``libs/`` holds the Kafka jars
  (default ``<project root>/.cache/kafka/<version>``).  An unpacked Kafka 4.x
  distribution works as is; otherwise the jars are resolved into it.
* ``ESCWATCH_KAFKA_STATE``: state directory with pid files, configs, data and
  logs (default ``<project root>/.cache/kafka/run``), one subdirectory per port.
* ``ESCWATCH_KAFKA_PORT``: default port of the command line (default 9092).

Command line: ``python -m streams.kafka_local up|down|status [--port N]
[--timeout S]``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from streams.errors import EscwatchError

__all__ = [
    "DEFAULT_KAFKA_VERSION",
    "DEFAULT_PORT",
    "BrokerStatus",
    "BrokerUnavailableError",
    "ClusterInfo",
    "down",
    "find_or_start",
    "kafka_version",
    "main",
    "probe_metadata",
    "render_log4j2_config",
    "render_pom",
    "render_server_properties",
    "status",
    "up",
]

DEFAULT_KAFKA_VERSION = "4.1.1"
"""Pinned ``org.apache.kafka:kafka_2.13`` version (override: ``ESCWATCH_KAFKA_VERSION``)."""

DEFAULT_PORT = 9092
"""Default PLAINTEXT port; the KRaft controller listens on ``port + 1``."""

LOG4J_VERSION = "2.24.3"
"""Log4j2 version of the logging backend added next to Kafka's jars."""

SCALA_BINARY = "2.13"
MAVEN_DEPENDENCY_PLUGIN_VERSION = "3.8.1"
JVM_HEAP_OPTS = ("-Xmx512m", "-Xms256m")
MIN_JAVA_MAJOR = 17

Mode = Literal["external", "docker", "jvm", "none"]

_PROJECT_ROOT = Path(__file__).resolve().parent.parent
_COMPOSE_FILE = _PROJECT_ROOT / "docker-compose.yml"
_RESOLVED_MARKER = ".escwatch-resolved"
_DOCKER_INFO_TIMEOUT = 5.0
_RESOLVE_TIMEOUT = 1200.0
_STOP_TIMEOUT = 30.0
_PROBE_TIMEOUT = 2.0
_LOG_TAIL_LINES = 40

_API_METADATA = 3
_API_VERSIONS = 18
_CLIENT_ID = b"escwatch-kafka-local"


class BrokerUnavailableError(EscwatchError):
    """Raised when no Kafka broker can be found or started.

    The message names what is missing (a reachable ``KAFKA_BOOTSTRAP_SERVERS``,
    a Docker engine, Java >= 17, Maven, ...) or why the broker failed to start,
    including the tail of its log.
    """

    retriable = True


@dataclass(frozen=True)
class BrokerStatus:
    """Where the Kafka broker is and how it was obtained.

    Attributes:
        bootstrap: ``host:port[,host:port...]`` to hand to Kafka clients.
        running: Whether the broker answered a metadata request.
        mode: ``"external"`` (not started by us), ``"docker"``, ``"jvm"``
            (a local JVM started by this module) or ``"none"``.
        pid: Process id of the broker JVM when ``mode == "jvm"``.
        log_file: Broker log file, when known.
        detail: Human-readable explanation.
    """

    bootstrap: str
    running: bool
    mode: Mode
    pid: int | None
    log_file: str | None
    detail: str

    def line(self) -> str:
        """Render the status as one human-readable line.

        Returns:
            The status line printed by the command line.
        """
        state = "running" if self.running else "not running"
        parts = [f"kafka {state} [{self.mode}] at {self.bootstrap}"]
        if self.pid is not None:
            parts.append(f"pid={self.pid}")
        if self.log_file:
            parts.append(f"log={self.log_file}")
        text = " ".join(parts)
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True)
class ClusterInfo:
    """What a broker reported in its Metadata response.

    Attributes:
        bootstrap: The address that answered.
        cluster_id: The KRaft cluster id, if reported.
        brokers: ``(node_id, host, port)`` of every live broker.
        metadata_version: Metadata API version used for the request.
    """

    bootstrap: str
    cluster_id: str | None
    brokers: tuple[tuple[int, str, int], ...]
    metadata_version: int


# --------------------------------------------------------------------------
# Configuration and paths
# --------------------------------------------------------------------------


def kafka_version() -> str:
    """Return the Kafka version to use.

    Returns:
        ``ESCWATCH_KAFKA_VERSION`` if set, else :data:`DEFAULT_KAFKA_VERSION`.
    """
    return os.environ.get("ESCWATCH_KAFKA_VERSION", "").strip() or DEFAULT_KAFKA_VERSION


def _kafka_home(version: str) -> Path:
    override = os.environ.get("ESCWATCH_KAFKA_HOME", "").strip()
    if override:
        return Path(override).expanduser().resolve()
    return _PROJECT_ROOT / ".cache" / "kafka" / version


def _state_root() -> Path:
    override = os.environ.get("ESCWATCH_KAFKA_STATE", "").strip()
    if override:
        return Path(override).expanduser().resolve()
    return _PROJECT_ROOT / ".cache" / "kafka" / "run"


def _port_dir(port: int) -> Path:
    return _state_root() / str(port)


def _local_bootstrap(port: int) -> str:
    return f"127.0.0.1:{port}"


def _prop_value(value: str) -> str:
    """Escape a value for a Java ``.properties`` file."""
    return value.replace("\\", "\\\\")


def render_server_properties(port: int, data_dir: Path) -> str:
    """Render ``server.properties`` for a single combined KRaft broker+controller.

    Args:
        port: PLAINTEXT port on 127.0.0.1; the controller uses ``port + 1``.
        data_dir: Directory for ``log.dirs`` (and the KRaft metadata log).

    Returns:
        The file content.
    """
    controller = port + 1
    lines = [
        "# Generated by streams/kafka_local.py: single-node dev/test broker.",
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@127.0.0.1:{controller}",
        f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{port}",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        "controller.listener.names=CONTROLLER",
        f"log.dirs={_prop_value(str(data_dir))}",
        "num.partitions=1",
        "default.replication.factor=1",
        "auto.create.topics.enable=true",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "num.network.threads=2",
        "num.io.threads=4",
        "log.retention.hours=24",
        "",
    ]
    return "\n".join(lines)


def render_log4j2_config(log_file: Path) -> str:
    """Render a quiet Log4j2 properties configuration that logs to one file.

    Args:
        log_file: File the broker log goes to (truncated on each start).

    Returns:
        The file content.
    """
    quiet = {
        "state.change.logger": "WARN",
        "kafka.request.logger": "WARN",
        "kafka.authorizer.logger": "WARN",
        "kafka.log.LogCleaner": "WARN",
        "org.apache.kafka.clients": "WARN",
        "org.apache.kafka.common.config": "WARN",
        "kafka.server.KafkaConfig": "WARN",
        "org.apache.kafka.common.utils.AppInfoParser": "WARN",
    }
    lines = [
        "status = warn",
        "name = escwatch-kafka",
        "appender.file.type = File",
        "appender.file.name = FILE",
        f"appender.file.fileName = {_prop_value(str(log_file))}",
        "appender.file.append = false",
        "appender.file.layout.type = PatternLayout",
        "appender.file.layout.pattern = [%d] %p %m (%c)%n",
        "rootLogger.level = INFO",
        "rootLogger.appenderRef.file.ref = FILE",
    ]
    for index, (name, level) in enumerate(quiet.items()):
        lines += [f"logger.q{index}.name = {name}", f"logger.q{index}.level = {level}"]
    return "\n".join(lines) + "\n"


def render_pom(version: str) -> str:
    """Render the throwaway Maven pom used to resolve Kafka's runtime jars.

    Args:
        version: The ``org.apache.kafka:kafka_2.13`` version to pin.

    Returns:
        The pom content.  Kafka 4.x uses SLF4J 1.7, so the Log4j2 binding is
        ``log4j-slf4j-impl`` (not ``log4j-slf4j2-impl``).
    """
    deps = [
        ("org.apache.kafka", f"kafka_{SCALA_BINARY}", version),
        ("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J_VERSION),
        ("org.apache.logging.log4j", "log4j-core", LOG4J_VERSION),
        ("org.apache.logging.log4j", "log4j-api", LOG4J_VERSION),
    ]
    dep_xml = "\n".join(
        "    <dependency>\n"
        f"      <groupId>{group}</groupId>\n"
        f"      <artifactId>{artifact}</artifactId>\n"
        f"      <version>{ver}</version>\n"
        "    </dependency>"
        for group, artifact, ver in deps
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by streams/kafka_local.py; safe to delete. -->
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>escwatch.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
{dep_xml}
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>{MAVEN_DEPENDENCY_PLUGIN_VERSION}</version>
      </plugin>
    </plugins>
  </build>
</project>
"""


def _new_cluster_id() -> str:
    """Return a random Kafka cluster id (base64url of 16 bytes, like ``random-uuid``)."""
    while True:
        raw = uuid.uuid4().bytes
        text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
        if not text.startswith("-") and any(raw):
            return text


# --------------------------------------------------------------------------
# Kafka wire protocol probe (ApiVersions + Metadata)
# --------------------------------------------------------------------------


class _Reader:
    """Minimal big-endian reader for Kafka response bodies."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def take(self, size: int) -> bytes:
        if size < 0 or self._pos + size > len(self._data):
            raise ValueError("truncated Kafka response")
        chunk = self._data[self._pos : self._pos + size]
        self._pos += size
        return chunk

    def int8(self) -> int:
        return int(struct.unpack(">b", self.take(1))[0])

    def int16(self) -> int:
        return int(struct.unpack(">h", self.take(2))[0])

    def int32(self) -> int:
        return int(struct.unpack(">i", self.take(4))[0])

    def uvarint(self) -> int:
        value = 0
        shift = 0
        while True:
            byte = self.take(1)[0]
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7
            if shift > 35:
                raise ValueError("bad varint in Kafka response")

    def string(self) -> str | None:
        size = self.int16()
        return None if size < 0 else self.take(size).decode("utf-8")

    def compact_string(self) -> str | None:
        size = self.uvarint() - 1
        return None if size < 0 else self.take(size).decode("utf-8")

    def skip_tagged_fields(self) -> None:
        for _ in range(self.uvarint()):
            self.uvarint()
            self.take(self.uvarint())


def _uvarint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    buf = bytearray()
    while len(buf) < size:
        chunk = sock.recv(size - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by peer")
        buf += chunk
    return bytes(buf)


def _exchange(
    sock: socket.socket, api_key: int, version: int, correlation: int, body: bytes, flexible: bool
) -> _Reader:
    header = struct.pack(">hhih", api_key, version, correlation, len(_CLIENT_ID)) + _CLIENT_ID
    if flexible:
        header += _uvarint(0)
    payload = header + body
    sock.sendall(struct.pack(">i", len(payload)) + payload)
    (size,) = struct.unpack(">i", _recv_exact(sock, 4))
    if size < 4 or size > 64 * 1024 * 1024:
        raise ValueError(f"implausible Kafka response size {size}")
    reader = _Reader(_recv_exact(sock, size))
    if reader.int32() != correlation:
        raise ValueError("correlation id mismatch")
    # ApiVersions responses always use response header v0 (no tagged fields).
    if flexible and api_key != _API_VERSIONS:
        reader.skip_tagged_fields()
    return reader


def _metadata_body(version: int) -> bytes:
    if version <= 8:
        body = struct.pack(">ib", 0, 0)  # no topics, allow_auto_topic_creation=false
        if version == 8:
            body += struct.pack(">bb", 0, 0)
        return body
    body = _uvarint(1) + struct.pack(">b", 0)  # compact empty topic array, no auto-create
    if version <= 10:
        body += struct.pack(">b", 0)  # include_cluster_authorized_operations
    return body + struct.pack(">b", 0) + _uvarint(0)


def _parse_brokers(
    reader: _Reader, version: int
) -> tuple[tuple[tuple[int, str, int], ...], str | None]:
    flexible = version >= 9
    reader.int32()  # throttle_time_ms
    count = reader.uvarint() - 1 if flexible else reader.int32()
    brokers: list[tuple[int, str, int]] = []
    for _ in range(max(count, 0)):
        node_id = reader.int32()
        host = reader.compact_string() if flexible else reader.string()
        port = reader.int32()
        if flexible:
            reader.compact_string()
            reader.skip_tagged_fields()
        else:
            reader.string()
        brokers.append((node_id, host or "", port))
    cluster_id = reader.compact_string() if flexible else reader.string()
    return tuple(brokers), cluster_id


def _split_bootstrap(bootstrap: str) -> list[tuple[str, int]]:
    """Parse ``host:port[,host:port]`` (optionally ``PLAINTEXT://``-prefixed)."""
    out: list[tuple[str, int]] = []
    for item in bootstrap.split(","):
        item = item.strip()
        if "://" in item:
            item = item.split("://", 1)[1]
        if not item:
            continue
        host, sep, port_text = item.rpartition(":")
        if not sep:
            host, port_text = item, str(DEFAULT_PORT)
        host = host.strip("[]") or "127.0.0.1"
        try:
            out.append((host, int(port_text)))
        except ValueError:
            continue
    return out


def _probe_one(host: str, port: int, timeout: float) -> ClusterInfo | None:
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            reader = _exchange(sock, _API_VERSIONS, 0, 1, b"", flexible=False)
            if reader.int16() != 0:
                return None
            ranges: dict[int, tuple[int, int]] = {}
            for _ in range(max(reader.int32(), 0)):
                key, low, high = reader.int16(), reader.int16(), reader.int16()
                ranges[key] = (low, high)
            if _API_METADATA not in ranges:
                return None
            low, high = ranges[_API_METADATA]
            candidates = [v for v in range(4, 13) if low <= v <= high]
            if not candidates:
                return None
            version = max(candidates)
            body = _metadata_body(version)
            reader = _exchange(sock, _API_METADATA, version, 2, body, flexible=version >= 9)
            brokers, cluster_id = _parse_brokers(reader, version)
    except (OSError, ValueError, struct.error, UnicodeDecodeError):
        return None
    if not brokers:
        return None
    return ClusterInfo(f"{host}:{port}", cluster_id, brokers, version)


def probe_metadata(bootstrap: str, timeout: float = _PROBE_TIMEOUT) -> ClusterInfo | None:
    """Check that a Kafka broker answers an ApiVersions and a Metadata request.

    Args:
        bootstrap: ``host:port[,host:port...]``; the first address that answers wins.
        timeout: Socket timeout per address, in seconds.

    Returns:
        What the broker reported, or ``None`` if no address answered with at
        least one live broker (closed port, not Kafka, still starting, ...).
    """
    for host, port in _split_bootstrap(bootstrap):
        info = _probe_one(host, port, timeout)
        if info is not None:
            return info
    return None


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------
# Process and state helpers
# --------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    """Return whether ``pid`` runs (reaping it first if it is our zombie child)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    except OSError:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError, IndexError):
        if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def _is_our_broker(pid: int, props: Path) -> bool:
    """Return whether ``pid`` is the broker JVM started with ``props`` (guards pid reuse)."""
    if not _pid_alive(pid):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        args = cmdline.read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid file
    return b"kafka.Kafka" in args and str(props).encode() in args


def _read_state(port_dir: Path) -> dict[str, object]:
    try:
        data = json.loads((port_dir / "state.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_state(port_dir: Path, state: dict[str, object]) -> None:
    port_dir.mkdir(parents=True, exist_ok=True)
    tmp = port_dir / "state.json.tmp"
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.replace(port_dir / "state.json")
    pid = state.get("pid")
    if isinstance(pid, int):
        (port_dir / "broker.pid").write_text(f"{pid}\n")


def _clear_state(port_dir: Path) -> None:
    for name in ("state.json", "broker.pid"):
        with contextlib.suppress(FileNotFoundError):
            (port_dir / name).unlink()


def _stored_pid(port_dir: Path) -> int | None:
    try:
        return int((port_dir / "broker.pid").read_text().strip())
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    root = _state_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


_ERROR_LINE = re.compile(r"\b(ERROR|FATAL)\b|^(Caused by: |\S+(Exception|Error): )")


def _log_tails(*paths: Path) -> str:
    """Summarise broker logs: distinct error lines first, then the last lines of each file."""
    errors: list[str] = []
    chunks: list[str] = []
    for path in paths:
        with contextlib.suppress(OSError):
            for line in path.read_text(errors="replace").splitlines():
                if _ERROR_LINE.search(line) and line not in errors:
                    errors.append(line)
        tail = _tail(path)
        if tail:
            chunks.append(f"--- tail of {path} ---\n{tail}")
    if errors:
        chunks.insert(0, "--- errors ---\n" + "\n".join(errors[-12:]))
    return "\n".join(chunks) if chunks else "(no log output)"


def _run(
    cmd: list[str], timeout: float, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
        check=False,
        stdin=subprocess.DEVNULL,
    )


# --------------------------------------------------------------------------
# Describing what is there
# --------------------------------------------------------------------------


def _describe_local(port: int, info: ClusterInfo) -> BrokerStatus:
    """Describe a broker that answers on 127.0.0.1:port, using our state if it is ours."""
    port_dir = _port_dir(port)
    state = _read_state(port_dir)
    cluster = f"cluster {info.cluster_id}, {len(info.brokers)} broker(s)"
    log_file = state.get("log_file")
    log = log_file if isinstance(log_file, str) else None
    if state.get("mode") == "jvm":
        pid = _stored_pid(port_dir)
        if pid is not None and _is_our_broker(pid, port_dir / "server.properties"):
            version = state.get("version", "?")
            return BrokerStatus(
                _local_bootstrap(port),
                True,
                "jvm",
                pid,
                log,
                f"local JVM Kafka {version}, {cluster}",
            )
    if state.get("mode") == "docker":
        return BrokerStatus(
            _local_bootstrap(port), True, "docker", None, None, f"docker compose, {cluster}"
        )
    return BrokerStatus(
        _local_bootstrap(port),
        True,
        "external",
        None,
        None,
        f"broker not started by escwatch, {cluster}",
    )


def _external_status() -> BrokerStatus | None:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if not bootstrap:
        return None
    info = probe_metadata(bootstrap)
    if info is None:
        return None
    return BrokerStatus(
        bootstrap,
        True,
        "external",
        None,
        None,
        f"KAFKA_BOOTSTRAP_SERVERS answered ({info.bootstrap}, cluster {info.cluster_id})",
    )


def status(port: int = DEFAULT_PORT) -> BrokerStatus:
    """Report the broker that clients would use, without starting anything.

    Args:
        port: Local port to check when ``KAFKA_BOOTSTRAP_SERVERS`` is unset or silent.

    Returns:
        The status; ``running`` is true only if the broker answered a metadata request.
    """
    external = _external_status()
    if external is not None:
        return external
    info = probe_metadata(_local_bootstrap(port))
    if info is not None:
        return _describe_local(port, info)
    port_dir = _port_dir(port)
    pid = _stored_pid(port_dir)
    state = _read_state(port_dir)
    log_file = state.get("log_file")
    log = log_file if isinstance(log_file, str) else None
    if pid is not None and _is_our_broker(pid, port_dir / "server.properties"):
        return BrokerStatus(
            _local_bootstrap(port),
            False,
            "jvm",
            pid,
            log,
            "JVM is alive but does not answer metadata requests yet",
        )
    detail = "nothing answers metadata requests"
    if _port_open(port):
        detail = f"port {port} is open but does not speak Kafka"
    return BrokerStatus(_local_bootstrap(port), False, "none", None, log, detail)


# --------------------------------------------------------------------------
# Docker
# --------------------------------------------------------------------------


def _docker_compose_cmd() -> tuple[list[str] | None, str]:
    """Return the compose command if a Docker engine answers, else ``None`` and why not."""
    docker = shutil.which("docker")
    if docker is None:
        return None, "no Docker engine (docker not found on PATH)"
    try:
        info = _run([docker, "info", "--format", "{{.ServerVersion}}"], _DOCKER_INFO_TIMEOUT)
    except (subprocess.TimeoutExpired, OSError):
        return (
            None,
            f"no Docker engine (docker info did not answer within {_DOCKER_INFO_TIMEOUT:.0f} s)",
        )
    if info.returncode != 0:
        return None, "no Docker engine (docker info failed: daemon not reachable)"
    if not _COMPOSE_FILE.is_file():
        return None, f"Docker engine found but {_COMPOSE_FILE} is missing"
    for cmd in ([docker, "compose"], [shutil.which("docker-compose") or ""]):
        if not cmd[0]:
            continue
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            if _run([*cmd, "version"], _DOCKER_INFO_TIMEOUT).returncode == 0:
                return cmd, "docker compose available"
    return None, "Docker engine found but neither 'docker compose' nor 'docker-compose' works"


def _compose_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env["ESCWATCH_KAFKA_PORT"] = str(port)
    return env


def _start_docker(compose: list[str], port: int, timeout: float) -> BrokerStatus:
    deadline = time.monotonic() + timeout
    cmd = [*compose, "-f", str(_COMPOSE_FILE), "up", "-d", "kafka"]
    try:
        result = _run(cmd, timeout, env=_compose_env(port), cwd=_PROJECT_ROOT)
    except subprocess.TimeoutExpired as exc:
        raise BrokerUnavailableError(
            f"'{' '.join(cmd)}' did not finish within {timeout:g} s"
        ) from exc
    if result.returncode != 0:
        raise BrokerUnavailableError(
            f"'{' '.join(cmd)}' failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}"
        )
    _write_state(
        _port_dir(port), {"mode": "docker", "port": port, "compose_file": str(_COMPOSE_FILE)}
    )
    while time.monotonic() < deadline:
        info = probe_metadata(_local_bootstrap(port))
        if info is not None:
            return _describe_local(port, info)
        time.sleep(1.0)
    raise BrokerUnavailableError(
        f"docker compose started service 'kafka' but 127.0.0.1:{port} did not answer "
        f"metadata requests within {timeout:g} s; "
        f"see 'docker compose -f {_COMPOSE_FILE} logs kafka'"
    )


# --------------------------------------------------------------------------
# JVM
# --------------------------------------------------------------------------


def _java_binary() -> tuple[str | None, str]:
    """Find ``java`` >= 17 (``JAVA_HOME`` first), returning it or why it is unusable."""
    candidates: list[str] = []
    java_home = os.environ.get("JAVA_HOME", "").strip()
    if java_home:
        candidates.append(str(Path(java_home) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(on_path)
    reasons: list[str] = []
    for java in candidates:
        if not os.access(java, os.X_OK):
            reasons.append(f"{java} is not executable")
            continue
        try:
            result = _run([java, "-version"], 30.0)
        except (subprocess.TimeoutExpired, OSError) as exc:
            reasons.append(f"{java} -version failed: {exc}")
            continue
        major = _java_major(result.stderr + result.stdout)
        if major is not None and major >= MIN_JAVA_MAJOR:
            return java, f"java {major}"
        reasons.append(f"{java} is Java {major if major is not None else '?'}")
    found = f" ({'; '.join(reasons)})" if reasons else ""
    return None, (
        f"java >= {MIN_JAVA_MAJOR} not found{found}: install OpenJDK 17 "
        "(e.g. 'apt-get install openjdk-17-jre-headless') or set JAVA_HOME"
    )


def _java_major(version_output: str) -> int | None:
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if match is None:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):
        return int(match.group(2))
    return major


def _libs_ready(home: Path) -> bool:
    libs = home / "libs"
    if (home / _RESOLVED_MARKER).is_file():
        return True
    # An unpacked Kafka distribution pointed to by ESCWATCH_KAFKA_HOME.
    own_pom = (home / "pom.xml").is_file()
    return not own_pom and any(libs.glob(f"kafka_{SCALA_BINARY}-*.jar"))


def _resolve_libs(home: Path, version: str, java: str) -> tuple[Path | None, str]:
    """Make sure ``home/libs`` holds Kafka and its runtime jars, using Maven if needed."""
    libs = home / "libs"
    if _libs_ready(home):
        return libs, "cached"
    mvn = shutil.which("mvn")
    if mvn is None:
        return None, (
            f"Kafka jars are not cached in {libs} and mvn is not on PATH: install Maven "
            "(e.g. 'apt-get install maven') or set ESCWATCH_KAFKA_HOME to an unpacked "
            "Kafka 4.x distribution"
        )
    home.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(libs, ignore_errors=True)
    pom = home / "pom.xml"
    pom.write_text(render_pom(version))
    env = dict(os.environ)
    env.setdefault("JAVA_HOME", str(Path(java).resolve().parent.parent))
    cmd = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={libs}",
    ]
    started = time.monotonic()
    try:
        result = _run(cmd, _RESOLVE_TIMEOUT, env=env, cwd=home)
    except subprocess.TimeoutExpired:
        return None, f"Maven did not resolve Kafka {version} within {_RESOLVE_TIMEOUT:.0f} s"
    if result.returncode != 0 or not any(libs.glob(f"kafka_{SCALA_BINARY}-*.jar")):
        output = (result.stdout + result.stderr).strip()[-3000:]
        return (
            None,
            f"Maven could not resolve org.apache.kafka:kafka_{SCALA_BINARY}:{version}: {output}",
        )
    elapsed = time.monotonic() - started
    (home / _RESOLVED_MARKER).write_text(f"{version}\n")
    return libs, f"resolved with Maven in {elapsed:.1f} s"


def _stop_pid(pid: int, timeout: float = _STOP_TIMEOUT) -> str:
    """SIGTERM ``pid``, wait up to ``timeout`` seconds, then SIGKILL."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        _pid_alive(pid)
        return f"pid {pid} was not running"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return f"stopped pid {pid}"
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    for _ in range(50):
        if not _pid_alive(pid):
            break
        time.sleep(0.1)
    return f"killed pid {pid} (no exit {timeout:g} s after SIGTERM)"


def _start_jvm(
    java: str, libs: Path, port: int, version: str, timeout: float, keep_data: bool = False
) -> BrokerStatus:
    """Format storage and start a detached broker JVM, then wait for readiness.

    With ``keep_data`` and storage formatted by an earlier start, the data
    directory is kept as it is (a restart, not a new broker).
    """
    port_dir = _port_dir(port)
    data_dir = port_dir / "data"
    logs_dir = port_dir / "logs"
    props = port_dir / "server.properties"
    log4j = port_dir / "log4j2.properties"
    server_log = logs_dir / "server.log"
    stdout_log = logs_dir / "kafka.out"

    # Dev/test broker: a new process starts from empty storage unless asked
    # to restart on the storage it already has.
    restart = keep_data and (data_dir / "meta.properties").is_file()
    if not restart:
        shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    logs_dir.mkdir(parents=True, exist_ok=True)
    props.write_text(render_server_properties(port, data_dir))
    log4j.write_text(render_log4j2_config(server_log))

    base = [java, *JVM_HEAP_OPTS, "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={log4j}"]
    base += [f"-Dkafka.logs.dir={logs_dir}", "-cp", f"{libs}{os.sep}*"]
    fmt = [*base, "kafka.tools.StorageTool", "format", "-t", _new_cluster_id(), "-c", str(props)]
    try:
        result = _run(fmt if not restart else [java, "-version"], 120.0, cwd=port_dir)
    except subprocess.TimeoutExpired as exc:
        raise BrokerUnavailableError(
            "kafka StorageTool format did not finish within 120 s"
        ) from exc
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-3000:]
        raise BrokerUnavailableError(
            f"kafka StorageTool format failed (exit {result.returncode}): {output}"
        )

    with stdout_log.open("wb") as out:
        proc = subprocess.Popen(
            [*base, "kafka.Kafka", str(props)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=port_dir,
            start_new_session=True,
            close_fds=True,
        )
    _write_state(
        port_dir,
        {
            "mode": "jvm",
            "port": port,
            "pid": proc.pid,
            "version": version,
            "libs": str(libs),
            "log_file": str(server_log),
            "stdout_file": str(stdout_log),
            "started_at": time.time(),
        },
    )

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            _clear_state(port_dir)
            raise BrokerUnavailableError(
                f"Kafka JVM (pid {proc.pid}) exited with code {code} before answering "
                f"on 127.0.0.1:{port}\n" + _log_tails(stdout_log, server_log)
            )
        info = probe_metadata(_local_bootstrap(port), timeout=1.0)
        if info is not None:
            return BrokerStatus(
                _local_bootstrap(port),
                True,
                "jvm",
                proc.pid,
                str(server_log),
                f"started local JVM Kafka {version}, cluster {info.cluster_id}",
            )
        time.sleep(0.5)
    _stop_pid(proc.pid, timeout=10.0)
    proc.poll()
    _clear_state(port_dir)
    raise BrokerUnavailableError(
        f"Kafka JVM did not answer metadata requests on 127.0.0.1:{port} within {timeout:g} s "
        "(stopped it)\n" + _log_tails(stdout_log, server_log)
    )


# --------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------


def find_or_start(
    port: int = DEFAULT_PORT, *, start: bool = True, timeout: float = 120.0,
    keep_data: bool = False,
) -> BrokerStatus:
    """Find a Kafka broker, starting a local one if allowed.

    Tries ``KAFKA_BOOTSTRAP_SERVERS``, then a broker already answering on
    ``127.0.0.1:<port>``, then (if ``start``) Docker compose, then a local JVM.
    A newly started JVM broker always begins with wiped, freshly formatted
    storage: it is a dev/test broker, topics do not survive a restart.

    Args:
        port: Local PLAINTEXT port (the controller uses ``port + 1``).
        start: Whether to start a broker when none answers.
        timeout: Seconds to wait for a started broker to answer metadata
            requests (Maven's first-time resolution is not counted).
        keep_data: Restart a JVM broker on the storage of its previous run
            (topics and offsets survive) instead of wiping it.

    Returns:
        The status of the broker found or started; with ``start=False`` and
        nothing answering, a status with ``running=False`` and mode ``"none"``.

    Raises:
        BrokerUnavailableError: ``start`` is true and no broker could be
            found or started; the message names what is missing.
    """
    external = _external_status()
    if external is not None:
        return external
    if not start:
        return status(port)
    with _locked():
        return _find_or_start_locked(port, timeout, keep_data)


def _require_free(port: int, busy: int) -> None:
    if _port_open(busy):
        raise BrokerUnavailableError(
            f"cannot start Kafka on 127.0.0.1:{port}: port {busy} is already in use by "
            "something that does not answer Kafka metadata requests; pick another --port"
        )


def _find_or_start_locked(port: int, timeout: float, keep_data: bool = False) -> BrokerStatus:
    info = probe_metadata(_local_bootstrap(port))
    if info is not None:
        found = _describe_local(port, info)
        return BrokerStatus(
            found.bootstrap, True, found.mode, found.pid, found.log_file, f"reused: {found.detail}"
        )

    reasons: list[str] = []
    bootstrap_env = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if bootstrap_env:
        reasons.append(f"KAFKA_BOOTSTRAP_SERVERS={bootstrap_env} did not answer metadata requests")
    else:
        reasons.append("no KAFKA_BOOTSTRAP_SERVERS set")

    port_dir = _port_dir(port)
    stale = _stored_pid(port_dir)
    if stale is not None and _is_our_broker(stale, port_dir / "server.properties"):
        _stop_pid(stale)  # ours but not answering: replace it
    _clear_state(port_dir)

    _require_free(port, port)
    compose, why = _docker_compose_cmd()
    if compose is not None:
        return _start_docker(compose, port, timeout)
    reasons.append(why)
    _require_free(port, port + 1)

    java, why = _java_binary()
    if java is None:
        reasons.append(why)
        raise BrokerUnavailableError("no Kafka broker available: " + "; ".join(reasons))
    version = kafka_version()
    libs, why = _resolve_libs(_kafka_home(version), version, java)
    if libs is None:
        reasons.append(why)
        raise BrokerUnavailableError("no Kafka broker available: " + "; ".join(reasons))
    result = _start_jvm(java, libs, port, version, timeout, keep_data)
    if why != "cached":
        return BrokerStatus(
            result.bootstrap,
            result.running,
            result.mode,
            result.pid,
            result.log_file,
            f"{result.detail} ({why})",
        )
    return result


def up(
    port: int = DEFAULT_PORT, timeout: float = 180.0, *, keep_data: bool = False
) -> BrokerStatus:
    """Make sure a Kafka broker answers, starting one if needed.

    Same as :func:`find_or_start` with ``start=True``: an answering
    ``KAFKA_BOOTSTRAP_SERVERS`` or local broker is reused; otherwise Docker
    compose or a local JVM broker is started.  A new JVM broker wipes and
    reformats its data directory first (dev/test broker, no persistence)
    unless ``keep_data`` asks for a restart on the previous storage.

    Args:
        port: Local PLAINTEXT port (the controller uses ``port + 1``).
        timeout: Seconds to wait for a started broker to answer.
        keep_data: Keep the topics of the previous run of this port.

    Returns:
        The status of the running broker.

    Raises:
        BrokerUnavailableError: Nothing could be found or started.
    """
    return find_or_start(port, start=True, timeout=timeout, keep_data=keep_data)


def _down_one(port_dir: Path) -> tuple[str, str]:
    state = _read_state(port_dir)
    port = state.get("port")
    bootstrap = _local_bootstrap(port) if isinstance(port, int) else str(port_dir)
    mode = state.get("mode")
    if mode == "docker":
        compose, why = _docker_compose_cmd()
        compose_file = state.get("compose_file", str(_COMPOSE_FILE))
        if compose is None:
            return bootstrap, f"cannot stop docker broker: {why}"
        env = _compose_env(port) if isinstance(port, int) else None
        try:
            result = _run(
                [*compose, "-f", str(compose_file), "down"], 120.0, env=env, cwd=_PROJECT_ROOT
            )
        except subprocess.TimeoutExpired:
            return bootstrap, "docker compose down did not finish within 120 s"
        _clear_state(port_dir)
        if result.returncode != 0:
            return bootstrap, f"docker compose down failed: {result.stderr.strip()[-500:]}"
        return bootstrap, "docker compose down"
    pid = _stored_pid(port_dir)
    if pid is None:
        _clear_state(port_dir)
        return bootstrap, "no pid file"
    if not _is_our_broker(pid, port_dir / "server.properties"):
        _clear_state(port_dir)
        return bootstrap, f"pid {pid} was not running (stale pid file removed)"
    message = _stop_pid(pid)
    _clear_state(port_dir)
    return bootstrap, message


def down(port: int | None = None) -> BrokerStatus:
    """Stop the broker(s) this module started.

    JVM brokers get SIGTERM, up to 30 s to exit, then SIGKILL; their pid file
    is removed.  Docker brokers are stopped with ``docker compose down``.
    Brokers not started by this module (``KAFKA_BOOTSTRAP_SERVERS`` or another
    process on the port) are left alone.

    Args:
        port: Only stop the broker recorded for this port; ``None`` stops all.

    Returns:
        A status with ``running`` telling whether anything still answers on
        the affected port(s).
    """
    with _locked():
        root = _state_root()
        if port is not None:
            dirs = [_port_dir(port)]
        else:
            dirs = sorted(p for p in root.iterdir() if p.is_dir())
        managed = [d for d in dirs if (d / "state.json").exists() or (d / "broker.pid").exists()]
        results = [_down_one(d) for d in managed]
    if not results:
        where = _local_bootstrap(port) if port is not None else _local_bootstrap(DEFAULT_PORT)
        return BrokerStatus(
            where,
            probe_metadata(where) is not None,
            "none",
            None,
            None,
            "no managed broker to stop",
        )
    bootstrap = ",".join(b for b, _ in results)
    still = probe_metadata(bootstrap) is not None
    detail = results[0][1] if len(results) == 1 else "; ".join(f"{b}: {m}" for b, m in results)
    if still:
        detail += "; a broker not started by escwatch still answers"
    return BrokerStatus(bootstrap, still, "none", None, None, detail)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def _default_port() -> int:
    try:
        return int(os.environ.get("ESCWATCH_KAFKA_PORT", "") or DEFAULT_PORT)
    except ValueError:
        return DEFAULT_PORT


def main(argv: list[str] | None = None) -> int:
    """Run ``up``, ``down`` or ``status`` and print one status line.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        0 on success (``status``: broker running), 1 otherwise.
    """
    parser = argparse.ArgumentParser(
        prog="escwatch kafka", description="Find, start or stop a local single-node Kafka broker."
    )
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help="PLAINTEXT port (default: $ESCWATCH_KAFKA_PORT or 9092)",
    )
    parser.add_argument(
        "--timeout", type=float, default=180.0, help="seconds to wait for readiness (up)"
    )
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="up: restart a JVM broker on the topics and offsets of its previous run "
        "(default: start empty)",
    )
    args = parser.parse_args(argv)
    port: int = args.port if args.port is not None else _default_port()
    if args.keep_data and args.command != "up":
        parser.error("--keep-data applies to up only")
    try:
        if args.command == "up":
            result = up(port, timeout=args.timeout, keep_data=args.keep_data)
        elif args.command == "down":
            result = down(args.port)
        else:
            result = status(port)
    except BrokerUnavailableError as exc:
        print(f"kafka unavailable: {exc}", file=sys.stderr)
        return 1
    print(result.line())
    if args.command == "down":
        return 0
    return 0 if result.running else 1


if __name__ == "__main__":
    sys.exit(main())
