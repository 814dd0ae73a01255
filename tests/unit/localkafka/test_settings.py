"""LocalBrokerSettings: paths from the environment or the working directory, never from
where the package is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.config import LOCAL_KAFKA_PORT, LOCAL_KAFKA_VERSION, LocalBrokerSettings
from streams.errors import ConfigError
from tests.conftest import ROOT


def test_in_the_project_the_cache_is_its_dot_cache(tmp_path: Path) -> None:
    """From the project folder or below, jars and state go to <project>/.cache/kafka."""
    settings = LocalBrokerSettings.from_env({}, cwd=ROOT / "tests" / "unit")
    assert settings.home == ROOT / ".cache" / "kafka"
    assert settings.state_dir == ROOT / ".cache" / "kafka" / "run"
    assert settings.compose_file == ROOT / "docker-compose.yml"
    assert settings.port == LOCAL_KAFKA_PORT == 9092
    assert settings.kafka_version == LOCAL_KAFKA_VERSION
    assert settings.bootstrap_servers is None
    assert settings.java_home is None


def test_elsewhere_the_cache_is_the_users(tmp_path: Path) -> None:
    """Outside a project: the user cache, and no compose file."""
    settings = LocalBrokerSettings.from_env({}, cwd=tmp_path)
    assert settings.home == Path.home() / ".cache" / "escalation-watch" / "kafka"
    assert settings.compose_file is None
    xdg = LocalBrokerSettings.from_env({"XDG_CACHE_HOME": str(tmp_path / "xdg")}, cwd=tmp_path)
    assert xdg.home == tmp_path / "xdg" / "escalation-watch" / "kafka"
    assert xdg.state_dir == tmp_path / "xdg" / "escalation-watch" / "kafka" / "run"


def test_another_pyproject_is_not_this_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n')
    settings = LocalBrokerSettings.from_env({"XDG_CACHE_HOME": str(tmp_path / "c")},
                                            cwd=tmp_path)
    assert settings.home == tmp_path / "c" / "escalation-watch" / "kafka"


def test_variables_override_everything(tmp_path: Path) -> None:
    env = {"ESCWATCH_KAFKA_HOME": str(tmp_path / "h"), "ESCWATCH_KAFKA_STATE": str(tmp_path / "s"),
           "ESCWATCH_COMPOSE_FILE": str(tmp_path / "c.yml"), "ESCWATCH_KAFKA_PORT": "19092",
           "ESCWATCH_KAFKA_VERSION": "4.2.0", "KAFKA_BOOTSTRAP_SERVERS": " b:1 ",
           "JAVA_HOME": str(tmp_path / "jdk")}
    settings = LocalBrokerSettings.from_env(env, cwd=ROOT)
    assert settings == LocalBrokerSettings(
        bootstrap_servers="b:1", port=19092, kafka_version="4.2.0", home=tmp_path / "h",
        state_dir=tmp_path / "s", compose_file=tmp_path / "c.yml", java_home=tmp_path / "jdk")
    assert LocalBrokerSettings.from_env({"ESCWATCH_KAFKA_HOME": str(tmp_path / "h")},
                                        cwd=ROOT).state_dir == tmp_path / "h" / "run"


@pytest.mark.parametrize("port", ["x", "0", "65535"])
def test_a_bad_port_is_a_config_error(port: str) -> None:
    with pytest.raises(ConfigError, match="ESCWATCH_KAFKA_PORT"):
        LocalBrokerSettings.from_env({"ESCWATCH_KAFKA_PORT": port}, cwd=ROOT)
