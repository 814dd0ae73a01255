"""``escwatch kafka``: its flags reach the right function and exit codes are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams import cli
from streams.localkafka import broker, cluster, command
from streams.localkafka.state import BrokerStatus
from streams.localkafka.util import free_port


def test_status_exit_code_when_nothing_runs(isolated: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """status prints one line and exits 1 when no broker answers."""
    assert command.main(["status", "--port", str(free_port())]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "not running" in out


def test_port_comes_from_the_environment(isolated: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    monkeypatch.setenv("ESCWATCH_KAFKA_PORT", str(port))
    assert cli.main(["kafka", "status"]) == 1
    assert f"127.0.0.1:{port}" in capsys.readouterr().out


def test_a_bad_port_setting_exits_2(isolated: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ESCWATCH_KAFKA_PORT", "nine")
    assert command.main(["status"]) == 2
    assert "ESCWATCH_KAFKA_PORT" in capsys.readouterr().err


@pytest.mark.parametrize("keep", [True, False])
def test_cli_keep_data_flag_reaches_up(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str], keep: bool) -> None:
    """`escwatch kafka up --keep-data` restarts on the previous storage; without the flag
    the broker starts empty."""
    seen: dict[str, object] = {}

    def fake_up(port: int, timeout: float = 180.0, *, keep_data: bool = False,
                settings: object = None) -> BrokerStatus:
        seen.update(port=port, keep_data=keep_data)
        return BrokerStatus("127.0.0.1:19998", True, "jvm", 1, None, "fake")

    monkeypatch.setattr(broker, "up", fake_up)
    argv = ["kafka", "up", "--port", "19998"] + (["--keep-data"] if keep else [])
    assert cli.main(argv) == 0
    assert seen == {"port": 19998, "keep_data": keep}
    assert "fake" in capsys.readouterr().out


def test_keep_data_is_refused_outside_up() -> None:
    with pytest.raises(SystemExit):
        command.main(["down", "--keep-data"])


def test_brokers_3_goes_to_the_cluster(isolated: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """`escwatch kafka up --brokers 3 --port P` starts the cluster at P and prints its
    bootstrap list; status and down go to the cluster too."""
    calls: list[tuple[str, int]] = []

    def fake_up(base: int, brokers: int, timeout: float = 180.0,
                settings: object = None) -> cluster.Cluster:
        calls.append(("up", base))
        return cluster.layout(base, brokers)

    def fake_down(base: int, settings: object = None) -> int:
        calls.append(("down", base))
        return 3

    monkeypatch.setattr(cluster, "up", fake_up)
    monkeypatch.setattr(cluster, "down", fake_down)
    assert cli.main(["kafka", "up", "--brokers", "3", "--port", "20000"]) == 0
    assert "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:20000,127.0.0.1:20002,127.0.0.1:20004" in \
        capsys.readouterr().out
    assert cli.main(["kafka", "down", "--brokers", "3", "--port", "20000"]) == 0
    assert "stopped 3 node(s)" in capsys.readouterr().out
    assert calls == [("up", 20000), ("down", 20000)]
    base = free_port(6)
    assert cli.main(["kafka", "status", "--brokers", "3", "--port", str(base)]) == 1
    assert "0 of 3 brokers registered" in capsys.readouterr().out
