"""Settings from the environment: defaults, overrides and clear errors."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from streams import codec, topics
from streams.config import (
    LOCAL_BROKER_SETTINGS,
    MAX_MESSAGE_BYTES,
    SECURITY_SETTINGS,
    SETTINGS,
    KafkaSecurity,
    Settings,
    readme_rows,
)
from streams.errors import ConfigError


class TestSettings:
    def test_empty_environment_gives_documented_defaults(self) -> None:
        """With no variables set, every setting has its README default."""
        s = Settings.from_env({})
        assert s.bootstrap_servers == "127.0.0.1:9092"
        assert s.app_id == "escwatch"
        assert (s.topic_raw, s.topic_analyzed, s.topic_alerts, s.topic_deadletter) == (
            topics.RAW, topics.ANALYZED, topics.ALERTS, topics.DEADLETTER)
        assert s.max_message_bytes == 1_000_000
        assert s.web_host == "127.0.0.1"
        assert s.security.protocol == "PLAINTEXT"

    def test_variables_override_defaults(self) -> None:
        """Each ESCWATCH_* variable reaches its setting."""
        s = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "a:1,b:2", "ESCWATCH_APP_ID": "x",
                               "ESCWATCH_TOPIC_ALERTS": "al", "ESCWATCH_ALERT_THRESHOLD": "40",
                               "ESCWATCH_MAX_MESSAGE_BYTES": "65536"})
        assert (s.bootstrap_servers, s.app_id, s.topic_alerts) == ("a:1,b:2", "x", "al")
        assert (s.alert_threshold, s.max_message_bytes) == (40.0, 65536)

    @pytest.mark.parametrize(("name", "value"), [("ESCWATCH_PARTITIONS", "zero"),
                                                 ("ESCWATCH_PARTITIONS", "0"),
                                                 ("ESCWATCH_ALERT_THRESHOLD", "high"),
                                                 ("KAFKA_SECURITY_PROTOCOL", "TLS")])
    def test_bad_value_names_the_variable(self, name: str, value: str) -> None:
        """A malformed value raises ConfigError naming the variable."""
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: value})

    def test_replay_run_is_isolated(self) -> None:
        """for_run gives its own app id and suffixed output topics, never the live ones."""
        live = Settings.from_env({})
        run = live.for_run("r1")
        assert run.app_id != live.app_id
        assert run.topic_alerts == f"{topics.ALERTS}.r1"
        assert {run.topic_analyzed, run.topic_deadletter}.isdisjoint(
            {live.topic_analyzed, live.topic_deadletter})
        assert run.topic_raw == live.topic_raw


class TestDeclarations:
    def test_every_field_is_declared_once(self) -> None:
        """Each Settings attribute but security has exactly one declaration, one variable."""
        names = [s.name for s in SETTINGS]
        envs = [s.env for s in (*SETTINGS, *SECURITY_SETTINGS)]
        assert sorted(names) == sorted(f.name for f in fields(Settings) if f.name != "security")
        assert sorted(s.name for s in SECURITY_SETTINGS) == sorted(
            f.name for f in fields(KafkaSecurity))
        assert len(set(envs)) == len(envs)

    def test_defaults_come_from_the_declarations(self) -> None:
        """Settings() and Settings.from_env({}) both hold the declared defaults."""
        built, read = Settings(), Settings.from_env({})
        for s in SETTINGS:
            assert getattr(built, s.name) == s.default, s.name
            assert getattr(read, s.name) == s.default, s.name
        assert read.max_message_bytes == MAX_MESSAGE_BYTES == codec.MAX_MESSAGE_BYTES

    def test_to_env_round_trips(self, tmp_path: Path) -> None:
        """from_env(to_env(s)) == s, for the defaults and for changed values."""
        s = Settings.from_env({"ESCWATCH_KNOWLEDGE_DIR": str(tmp_path),
                               "ESCWATCH_ALERT_THRESHOLD": "33.3", "ESCWATCH_RUN_ID": "r1",
                               "ESCWATCH_LOG_LEVEL": "debug", "KAFKA_SECURITY_PROTOCOL": "SSL",
                               "KAFKA_SSL_CAFILE": "/ca.pem", "ESCWATCH_PARTITIONS": "4"})
        for settings in (Settings(), s, s.for_run("r2")):
            assert Settings.from_env(settings.to_env()) == settings
        assert s.to_env()["ESCWATCH_ALERT_THRESHOLD"] == "33.3"
        assert Settings().to_env()["ESCWATCH_KNOWLEDGE_DIR"] == ""

    def test_readme_table_matches_the_declarations(self) -> None:
        """The README's Configuration table holds exactly the declared rows (names,
        defaults, meanings), as `python -m streams.config` prints them."""
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
        table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
        rows = [line for line in table.splitlines() if line.startswith("| `")]
        declared = {s.env for s in (*SETTINGS, *SECURITY_SETTINGS, *LOCAL_BROKER_SETTINGS)}
        documented = [r for r in rows if r.split("`")[1] in declared]
        assert documented == readme_rows()
        others = {r.split("`")[1] for r in rows} - declared
        # Read elsewhere: the build.
        assert others == {"ESCWATCH_MYPYC"}
