"""The local replicated cluster's layout and node configuration."""

from __future__ import annotations

import pytest

from streams import kafka_cluster


class TestLayout:
    def test_three_nodes_get_pairs_of_ports_and_one_quorum(self) -> None:
        """Node i serves on base + 2(i-1), its controller on the next port; every node
        lists all three voters, so losing one leaves a majority."""
        cluster = kafka_cluster.layout(20000, 3)
        assert [(n.node_id, n.port, n.controller_port) for n in cluster.nodes] == [
            (1, 20000, 20001), (2, 20002, 20003), (3, 20004, 20005)]
        assert cluster.bootstrap == "127.0.0.1:20000,127.0.0.1:20002,127.0.0.1:20004"
        props = kafka_cluster.render_node_properties(cluster, cluster.nodes[1])
        assert "node.id=2" in props
        assert "controller.quorum.voters=1@127.0.0.1:20001,2@127.0.0.1:20003," \
               "3@127.0.0.1:20005" in props
        assert "advertised.listeners=PLAINTEXT://127.0.0.1:20002" in props

    @pytest.mark.parametrize(("brokers", "replicas", "min_isr"), [(1, 1, 1), (3, 3, 2), (4, 3, 2)])
    def test_internal_topics_replicate_as_far_as_the_cluster_allows(
        self, brokers: int, replicas: int, min_isr: int
    ) -> None:
        """Offsets and defaults use three replicas where there are three nodes."""
        cluster = kafka_cluster.layout(21000, brokers)
        props = kafka_cluster.render_node_properties(cluster, cluster.nodes[0])
        assert f"offsets.topic.replication.factor={replicas}" in props
        assert f"default.replication.factor={replicas}" in props
        assert f"min.insync.replicas={min_isr}" in props

    def test_no_brokers_is_refused(self) -> None:
        """A cluster of zero nodes is an error, not an empty cluster."""
        with pytest.raises(ValueError, match="at least one"):
            kafka_cluster.layout(22000, 0)
