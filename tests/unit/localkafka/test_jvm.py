"""Broker configs, the Maven pom, Java detection and where the jars are."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from streams.localkafka import jvm


def test_server_properties_listeners_follow_port(tmp_path: Path) -> None:
    """The broker listens on the given port and the controller on the next one."""
    lines = set(jvm.render_server_properties(19092, tmp_path / "data").splitlines())
    assert "listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093" in lines
    assert "advertised.listeners=PLAINTEXT://127.0.0.1:19092" in lines
    assert "controller.quorum.voters=1@127.0.0.1:19093" in lines
    assert f"log.dirs={tmp_path / 'data'}" in lines


def test_server_properties_is_single_node_kraft(tmp_path: Path) -> None:
    """A combined broker+controller with replication factors of 1."""
    lines = set(jvm.render_server_properties(9092, tmp_path).splitlines())
    for expected in ("process.roles=broker,controller", "node.id=1",
                     "controller.listener.names=CONTROLLER",
                     "inter.broker.listener.name=PLAINTEXT",
                     "offsets.topic.replication.factor=1",
                     "transaction.state.log.replication.factor=1",
                     "transaction.state.log.min.isr=1", "auto.create.topics.enable=true",
                     "group.initial.rebalance.delay.ms=0"):
        assert expected in lines


def test_server_properties_keep_records_by_size_not_age(tmp_path: Path) -> None:
    """Time retention is off: records stamped long ago (a replayed archive) are not deleted
    at the next retention check; a size bound per partition limits the disk instead."""
    lines = set(jvm.render_server_properties(9092, tmp_path).splitlines())
    assert "log.retention.ms=-1" in lines
    assert f"log.retention.bytes={1 << 30}" in lines
    assert not any(line.startswith("log.retention.hours") for line in lines)


def test_backslashes_are_escaped_in_properties() -> None:
    assert "log.dirs=C:\\\\kafka" in jvm.render_server_properties(9092, Path("C:\\kafka"))


def test_pom_pins_kafka_version_and_log4j_binding() -> None:
    """The pom pins kafka_2.13 and adds the SLF4J 1.x Log4j2 binding."""
    pom = jvm.render_pom("4.1.1")
    assert "<artifactId>kafka_2.13</artifactId>\n      <version>4.1.1</version>" in pom
    assert "<artifactId>log4j-slf4j-impl</artifactId>" in pom
    assert "<artifactId>log4j-core</artifactId>" in pom
    assert "<packaging>pom</packaging>" in pom


def test_log4j2_config_logs_to_file_at_info(tmp_path: Path) -> None:
    text = jvm.render_log4j2_config(tmp_path / "server.log")
    assert f"appender.file.fileName = {tmp_path / 'server.log'}" in text
    assert "rootLogger.level = INFO" in text
    assert "Console" not in text


@pytest.mark.parametrize(("output", "major"), [
    ('openjdk version "17.0.15" 2025-04-15', 17),
    ('java version "1.8.0_402"', 8),
    ('openjdk version "21" 2023-09-19', 21),
    ("garbage", None),
])
def test_java_major_parsing(output: str, major: int | None) -> None:
    assert jvm.java_major(output) == major


def test_cluster_id_looks_like_kafka_uuid() -> None:
    """22-character base64url strings not starting with '-'."""
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    ids = {jvm.new_cluster_id() for _ in range(50)}
    assert len(ids) == 50
    for cluster_id in ids:
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")
        assert set(cluster_id) <= alphabet


def test_old_java_is_rejected_with_its_version(isolated: Path) -> None:
    java = isolated / "java"
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    found, why = jvm.find_java(None)
    assert found is None
    assert "is Java 11" in why
    assert "install OpenJDK 17" in why


def test_java_home_comes_first(isolated: Path, tmp_path: Path) -> None:
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text("#!/bin/sh\necho 'openjdk version \"17.0.1\" 2021-10-19' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    assert jvm.find_java(home) == (str(java), "java 17")


class TestLibs:
    def test_jars_go_to_a_folder_per_version(self, tmp_path: Path) -> None:
        assert jvm.libs_home(tmp_path, "4.1.1") == tmp_path / "4.1.1"

    def test_an_unpacked_distribution_is_used_as_is(self, tmp_path: Path) -> None:
        (tmp_path / "libs").mkdir()
        (tmp_path / "libs" / "kafka_2.13-4.1.1.jar").write_bytes(b"")
        assert jvm.libs_home(tmp_path, "4.1.1") == tmp_path
        assert jvm.resolve_libs(tmp_path, "4.1.1", "java") == (tmp_path / "libs", "cached")

    def test_jars_resolved_before_are_cached(self, tmp_path: Path) -> None:
        folder = tmp_path / "4.1.1"
        (folder / "libs").mkdir(parents=True)
        (folder / ".escwatch-resolved").write_text("4.1.1\n")
        assert jvm.resolve_libs(tmp_path, "4.1.1", "java") == (folder / "libs", "cached")

    def test_without_maven_the_error_says_what_to_install(self, isolated: Path,
                                                          tmp_path: Path) -> None:
        libs, why = jvm.resolve_libs(tmp_path / "home", "4.1.1", "java")
        assert libs is None
        assert "mvn is not on PATH" in why
        assert str(tmp_path / "home" / "4.1.1" / "libs") in why


def test_a_foreign_process_is_not_our_broker(tmp_path: Path) -> None:
    """The pid of this test process is alive but not a broker of that config."""
    import os

    assert jvm.pid_alive(os.getpid())
    assert not jvm.is_our_broker(os.getpid(), tmp_path / "server.properties")
