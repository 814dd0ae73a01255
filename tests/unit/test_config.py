"""Settings from the environment: defaults, overrides and clear errors."""

from __future__ import annotations

import pytest

from streams import topics
from streams.config import Settings
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
