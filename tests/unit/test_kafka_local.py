"""Unit tests for streams.kafka_local that need no broker, Docker or Java."""

from __future__ import annotations

import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams import kafka_local
from streams.errors import EscwatchError
from streams.kafka_local import (
    DEFAULT_KAFKA_VERSION,
    BrokerUnavailableError,
    down,
    kafka_version,
    main,
    probe_metadata,
    render_log4j2_config,
    render_pom,
    render_server_properties,
    status,
    up,
)


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point every kafka_local path and env var at a temporary directory."""
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "JAVA_HOME", "ESCWATCH_KAFKA_VERSION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ESCWATCH_KAFKA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ESCWATCH_KAFKA_STATE", str(tmp_path / "state"))
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    return empty_bin


@pytest.fixture
def garbage_server() -> Iterator[int]:
    """Serve a TCP port that accepts connections and answers with non-Kafka bytes."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    server.close()


def test_server_properties_listeners_follow_port(tmp_path: Path) -> None:
    """The broker listens on the given port and the controller on the next one."""
    text = render_server_properties(19092, tmp_path / "data")
    lines = set(text.splitlines())
    assert "listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093" in lines
    assert "advertised.listeners=PLAINTEXT://127.0.0.1:19092" in lines
    assert "controller.quorum.voters=1@127.0.0.1:19093" in lines
    assert f"log.dirs={tmp_path / 'data'}" in lines


def test_server_properties_is_single_node_kraft(tmp_path: Path) -> None:
    """The config is a combined broker+controller with replication factors of 1."""
    lines = set(render_server_properties(9092, tmp_path).splitlines())
    for expected in (
        "process.roles=broker,controller",
        "node.id=1",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "auto.create.topics.enable=true",
        "group.initial.rebalance.delay.ms=0",
    ):
        assert expected in lines


def test_pom_pins_kafka_version_and_log4j_binding() -> None:
    """The generated pom pins kafka_2.13 and adds the SLF4J 1.x Log4j2 binding."""
    pom = render_pom("4.1.1")
    assert "<artifactId>kafka_2.13</artifactId>\n      <version>4.1.1</version>" in pom
    assert "<artifactId>log4j-slf4j-impl</artifactId>" in pom
    assert "<artifactId>log4j-core</artifactId>" in pom
    assert "<packaging>pom</packaging>" in pom


def test_kafka_version_honours_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """ESCWATCH_KAFKA_VERSION overrides the pinned default version."""
    monkeypatch.delenv("ESCWATCH_KAFKA_VERSION", raising=False)
    assert kafka_version() == DEFAULT_KAFKA_VERSION
    assert DEFAULT_KAFKA_VERSION.startswith("4.")
    monkeypatch.setenv("ESCWATCH_KAFKA_VERSION", "4.2.0")
    assert kafka_version() == "4.2.0"


def test_log4j2_config_logs_to_file_at_info(tmp_path: Path) -> None:
    """The Log4j2 config sends INFO and above to the given file only."""
    text = render_log4j2_config(tmp_path / "server.log")
    assert f"appender.file.fileName = {tmp_path / 'server.log'}" in text
    assert "rootLogger.level = INFO" in text
    assert "Console" not in text


def test_error_names_everything_missing(isolated: Path) -> None:
    """With no bootstrap env, no docker and no java on PATH, up explains all three."""
    with pytest.raises(BrokerUnavailableError) as info:
        up(_free_port(), timeout=1)
    message = str(info.value)
    assert "no KAFKA_BOOTSTRAP_SERVERS" in message
    assert "no Docker engine" in message
    assert "java >= 17 not found" in message
    assert "install OpenJDK 17" in message


def test_error_names_unanswered_bootstrap(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A KAFKA_BOOTSTRAP_SERVERS that does not answer is named in the error."""
    dead = f"127.0.0.1:{_free_port()}"
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", dead)
    with pytest.raises(BrokerUnavailableError, match=f"KAFKA_BOOTSTRAP_SERVERS={dead} did not"):
        up(_free_port(), timeout=1)


def test_old_java_is_rejected(isolated: Path) -> None:
    """A java older than 17 on PATH is reported with its version."""
    java = isolated / "java"
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(BrokerUnavailableError, match=r"is Java 11"):
        up(_free_port(), timeout=1)


def test_error_is_an_escwatch_error() -> None:
    """BrokerUnavailableError belongs to the project's error hierarchy."""
    assert issubclass(BrokerUnavailableError, EscwatchError)


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_402"', 8),
        ('openjdk version "21" 2023-09-19', 21),
        ("garbage", None),
    ],
)
def test_java_major_parsing(output: str, major: int | None) -> None:
    """Java version banners of old and new style parse to the major version."""
    assert kafka_local._java_major(output) == major


def test_cluster_id_looks_like_kafka_uuid() -> None:
    """Generated cluster ids are 22-character base64url strings not starting with '-'."""
    for _ in range(50):
        cluster_id = kafka_local._new_cluster_id()
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")
        assert set(cluster_id) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )


def test_split_bootstrap_accepts_common_forms() -> None:
    """Bootstrap strings with schemes, lists and IPv6 brackets parse to host/port pairs."""
    assert kafka_local._split_bootstrap("PLAINTEXT://a:1, b:2,[::1]:3") == [
        ("a", 1),
        ("b", 2),
        ("::1", 3),
    ]


def test_probe_rejects_open_port_that_is_not_kafka(garbage_server: int) -> None:
    """An open port answering non-Kafka bytes does not count as a broker."""
    assert probe_metadata(f"127.0.0.1:{garbage_server}", timeout=1.0) is None


def test_probe_returns_none_for_closed_port() -> None:
    """Nothing listening means no broker."""
    assert probe_metadata(f"127.0.0.1:{_free_port()}", timeout=1.0) is None


def test_up_refuses_port_taken_by_something_else(isolated: Path, garbage_server: int) -> None:
    """up does not try to start Kafka on a port another program already holds."""
    with pytest.raises(BrokerUnavailableError, match="already in use"):
        up(garbage_server, timeout=1)


def test_status_reports_not_running(isolated: Path) -> None:
    """status on an idle port says not running, mode none."""
    result = status(_free_port())
    assert not result.running
    assert result.mode == "none"
    assert result.pid is None


def test_main_status_exit_code_when_nothing_runs(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The status command prints one line and exits 1 when no broker answers."""
    assert main(["status", "--port", str(_free_port())]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "not running" in out


def test_down_leaves_foreign_pid_alone(isolated: Path, tmp_path: Path) -> None:
    """A pid file pointing at a process that is not our broker is removed, not killed."""
    port_dir = tmp_path / "state" / "19092"
    port_dir.mkdir(parents=True)
    (port_dir / "broker.pid").write_text(f"{os.getpid()}\n")
    (port_dir / "state.json").write_text('{"mode": "jvm", "port": 19092}\n')
    result = down()
    assert "stale pid file removed" in result.detail
    assert not (port_dir / "broker.pid").exists()


def test_down_with_nothing_managed(isolated: Path) -> None:
    """down without any managed broker is a no-op that says so."""
    result = down(_free_port())
    assert result.mode == "none"
    assert "no managed broker" in result.detail


class TestKeepData:
    def test_up_accepts_keep_data_and_passes_it_down(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """up(keep_data=True) asks find_or_start for a restart on the previous storage."""
        seen: dict[str, object] = {}

        def fake(port: int, **kwargs: object) -> object:
            seen.update(kwargs, port=port)
            return "status"

        monkeypatch.setattr(kafka_local, "find_or_start", fake)
        assert kafka_local.up(19999, keep_data=True) == "status"
        assert seen == {"port": 19999, "start": True, "timeout": 180.0, "keep_data": True}

    @pytest.mark.parametrize("keep", [True, False])
    def test_cli_keep_data_flag_reaches_up(self, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str],
                                           keep: bool) -> None:
        """`escwatch kafka up --keep-data` restarts on the previous storage; without the
        flag the broker starts empty."""
        from streams import cli

        seen: dict[str, object] = {}

        def fake_up(port: int, timeout: float = 180.0, *, keep_data: bool = False
                    ) -> kafka_local.BrokerStatus:
            seen.update(port=port, keep_data=keep_data)
            return kafka_local.BrokerStatus("127.0.0.1:19998", True, "jvm", 1, None, "fake")

        monkeypatch.setattr(kafka_local, "up", fake_up)
        argv = ["kafka", "up", "--port", "19998"] + (["--keep-data"] if keep else [])
        assert cli.main(argv) == 0
        assert seen == {"port": 19998, "keep_data": keep}
        assert "fake" in capsys.readouterr().out

    def test_keep_data_is_refused_outside_up(self) -> None:
        with pytest.raises(SystemExit):
            kafka_local.main(["down", "--keep-data"])
