"""The local replicated cluster's layout and node configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.config import LocalBrokerSettings
from streams.localkafka import cluster


def test_three_nodes_get_pairs_of_ports_and_one_quorum(isolated: Path, tmp_path: Path) -> None:
    """Node i serves on base + 2(i-1), its controller on the next port; every node lists all
    three voters, so losing one leaves a majority. Folders are under the state root."""
    nodes = cluster.layout(20000, 3)
    assert [(n.node_id, n.port, n.controller_port) for n in nodes.nodes] == [
        (1, 20000, 20001), (2, 20002, 20003), (3, 20004, 20005)]
    assert nodes.bootstrap == "127.0.0.1:20000,127.0.0.1:20002,127.0.0.1:20004"
    assert nodes.directory == tmp_path / "state" / "cluster-20000"
    assert nodes.nodes[1].pid_file == tmp_path / "state" / "cluster-20000" / "node-2" / "pid"
    props = cluster.render_node_properties(nodes, nodes.nodes[1])
    assert "node.id=2" in props
    assert ("controller.quorum.voters=1@127.0.0.1:20001,2@127.0.0.1:20003,"
            "3@127.0.0.1:20005") in props
    assert "advertised.listeners=PLAINTEXT://127.0.0.1:20002" in props
    assert f"log.dirs={nodes.nodes[1].directory / 'data'}" in props
    lines = props.splitlines()
    assert "log.retention.ms=-1" in lines  # by size, not by record age (see test_jvm)
    assert f"log.retention.bytes={1 << 30}" in lines


@pytest.mark.parametrize(("brokers", "replicas", "min_isr"), [(1, 1, 1), (3, 3, 2), (4, 3, 2)])
def test_internal_topics_replicate_as_far_as_the_cluster_allows(
        brokers: int, replicas: int, min_isr: int, tmp_path: Path) -> None:
    settings = LocalBrokerSettings.from_env({"ESCWATCH_KAFKA_HOME": str(tmp_path)}, cwd=tmp_path)
    nodes = cluster.layout(21000, brokers, settings)
    props = cluster.render_node_properties(nodes, nodes.nodes[0])
    assert f"offsets.topic.replication.factor={replicas}" in props
    assert f"default.replication.factor={replicas}" in props
    assert f"min.insync.replicas={min_isr}" in props


def test_no_brokers_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        cluster.layout(22000, 0)


def test_down_of_nothing_stops_nothing(isolated: Path) -> None:
    assert cluster.down(22000) == 0


def test_up_without_java_says_so(isolated: Path) -> None:
    from streams.localkafka.util import BrokerUnavailableError, free_port

    with pytest.raises(BrokerUnavailableError, match="java >= 17 not found"):
        cluster.up(free_port(6), 3, timeout=1)
