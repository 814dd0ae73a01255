"""State files of the brokers started here."""

from __future__ import annotations

from pathlib import Path

from streams.localkafka import state


def test_state_round_trips_and_records_the_pid(tmp_path: Path) -> None:
    folder = state.port_dir(tmp_path, 19092)
    assert folder == tmp_path / "19092"
    state.write_state(folder, {"mode": "jvm", "port": 19092, "pid": 4242})
    assert state.read_state(folder) == {"mode": "jvm", "port": 19092, "pid": 4242}
    assert state.stored_pid(folder) == 4242
    assert state.managed_dirs(tmp_path) == [folder]
    assert state.managed_dirs(tmp_path, 19092) == [folder]
    assert state.managed_dirs(tmp_path, 19094) == []
    state.clear_state(folder)
    assert state.read_state(folder) == {}
    assert state.stored_pid(folder) is None
    assert state.managed_dirs(tmp_path) == []


def test_broken_state_reads_as_empty(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("[1, 2")
    (tmp_path / "broker.pid").write_text("not a pid")
    assert state.read_state(tmp_path) == {}
    assert state.stored_pid(tmp_path) is None


def test_managed_dirs_of_a_missing_root_is_empty(tmp_path: Path) -> None:
    assert state.managed_dirs(tmp_path / "never") == []


class TestDataDir:
    def test_a_fresh_start_wipes_the_data(self, tmp_path: Path) -> None:
        data = tmp_path / "data"
        data.mkdir()
        (data / "meta.properties").write_text("x")
        assert state.prepare_data_dir(data, keep_data=False) is False
        assert data.is_dir()
        assert list(data.iterdir()) == []

    def test_keep_data_restarts_on_formatted_storage(self, tmp_path: Path) -> None:
        data = tmp_path / "data"
        data.mkdir()
        (data / "meta.properties").write_text("x")
        (data / "topic-0").mkdir()
        assert state.prepare_data_dir(data, keep_data=True) is True
        assert (data / "topic-0").is_dir()

    def test_keep_data_without_storage_is_a_fresh_start(self, tmp_path: Path) -> None:
        assert state.prepare_data_dir(tmp_path / "data", keep_data=True) is False
        assert (tmp_path / "data").is_dir()


def test_status_line_names_everything_known() -> None:
    status = state.BrokerStatus("127.0.0.1:1", True, "jvm", 7, "/x/server.log", "fine")
    assert status.line() == "kafka running [jvm] at 127.0.0.1:1 pid=7 log=/x/server.log: fine"
    idle = state.BrokerStatus("127.0.0.1:1", False, "none", None, None, "")
    assert idle.line() == "kafka not running [none] at 127.0.0.1:1"


def test_the_lock_can_be_taken_again(tmp_path: Path) -> None:
    with state.locked(tmp_path / "root"):
        assert (tmp_path / "root" / ".lock").exists()
    with state.locked(tmp_path / "root"):
        pass
