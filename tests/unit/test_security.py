"""Security settings: TLS/SASL reach every Kafka client, secrets stay out of logs, and the
HTTP endpoints bind to loopback unless configured otherwise."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path
from typing import Any

import certifi
import faust
import pytest

from streams.app import create_app
from streams.clients import _common
from streams.config import Settings
from streams.errors import ConfigError

PASSWORD = "pw-canary-7f3b9e"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"ESCWATCH_DATA_DIR": str(tmp_path), "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
            "ESCWATCH_APP_ID": "escwatch-security-test", **extra}


def _sasl_ssl_env(tmp_path: Path) -> dict[str, str]:
    return _env(tmp_path, KAFKA_SECURITY_PROTOCOL="SASL_SSL",
                KAFKA_SASL_MECHANISM="SCRAM-SHA-512", KAFKA_SASL_USERNAME="escwatch",
                KAFKA_SASL_PASSWORD=PASSWORD, KAFKA_SSL_CAFILE=certifi.where())


class _Core:
    """Stand-in analyzer: these tests build apps but never analyse anything."""

    class knowledge:  # noqa: N801 - mirrors Analyzer.knowledge
        version = "test"


def _app(settings: Settings) -> faust.App:
    app = create_app(settings, _Core())  # type: ignore[arg-type]
    app.finalize()
    return app


class TestKafkaPythonClients:
    def test_sasl_ssl_settings_reach_the_client_configuration(self, tmp_path: Path) -> None:
        """SASL_SSL with SCRAM from the environment becomes kafka-python's security options."""
        conf = _common(Settings.from_env(_sasl_ssl_env(tmp_path)))
        assert conf["security_protocol"] == "SASL_SSL"
        assert conf["sasl_mechanism"] == "SCRAM-SHA-512"
        assert conf["sasl_plain_username"] == "escwatch"
        assert conf["sasl_plain_password"] == PASSWORD
        assert conf["ssl_cafile"] == certifi.where()
        assert conf["ssl_check_hostname"] is True

    def test_mutual_tls_files_reach_the_client_configuration(self, tmp_path: Path) -> None:
        """SSL with a client certificate passes the CA, certificate and key files."""
        env = _env(tmp_path, KAFKA_SECURITY_PROTOCOL="SSL", KAFKA_SSL_CAFILE="/ca.pem",
                   KAFKA_SSL_CERTFILE="/client.pem", KAFKA_SSL_KEYFILE="/client.key")
        conf = _common(Settings.from_env(env))
        assert conf["security_protocol"] == "SSL"
        assert (conf["ssl_cafile"], conf["ssl_certfile"], conf["ssl_keyfile"]) == (
            "/ca.pem", "/client.pem", "/client.key")
        assert "sasl_mechanism" not in conf

    def test_plaintext_is_the_default(self, tmp_path: Path) -> None:
        """With no security variables the clients use PLAINTEXT and no SASL options."""
        conf = _common(Settings.from_env(_env(tmp_path)))
        assert conf["security_protocol"] == "PLAINTEXT"
        assert not any(k.startswith(("sasl", "ssl")) for k in conf)

    def test_sasl_without_password_is_a_config_error(self, tmp_path: Path) -> None:
        """SASL without credentials is refused at start-up, naming the missing variables."""
        env = _env(tmp_path, KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
                   KAFKA_SASL_USERNAME="escwatch")
        with pytest.raises(ConfigError, match="KAFKA_SASL_PASSWORD"):
            Settings.from_env(env)


class TestFaustCredentials:
    def test_sasl_ssl_becomes_faust_sasl_credentials_with_tls(self, tmp_path: Path) -> None:
        """The Faust app gets SASL credentials with the mechanism and a verifying TLS context."""
        app = _app(Settings.from_env(_sasl_ssl_env(tmp_path)))
        creds = app.conf.broker_credentials
        assert isinstance(creds, faust.SASLCredentials)
        assert (creds.username, creds.password) == ("escwatch", PASSWORD)
        assert creds.mechanism.value == "SCRAM-SHA-512"
        assert isinstance(creds.ssl_context, ssl.SSLContext)
        assert creds.ssl_context.verify_mode == ssl.CERT_REQUIRED
        assert creds.protocol.value == "SASL_SSL"

    def test_ssl_only_becomes_faust_ssl_credentials(self, tmp_path: Path) -> None:
        """SSL without SASL gives Faust an SSL context that checks the broker certificate."""
        env = _env(tmp_path, KAFKA_SECURITY_PROTOCOL="SSL", KAFKA_SSL_CAFILE=certifi.where())
        creds = _app(Settings.from_env(env)).conf.broker_credentials
        assert isinstance(creds, faust.SSLCredentials)
        assert creds.context.check_hostname is True

    def test_plaintext_gives_faust_no_credentials(self, tmp_path: Path) -> None:
        """PLAINTEXT leaves the Faust broker credentials unset."""
        assert _app(Settings.from_env(_env(tmp_path))).conf.broker_credentials is None


class TestNoSecretsInLogs:
    def test_settings_repr_hides_the_password(self, tmp_path: Path) -> None:
        """repr and str of Settings and KafkaSecurity never contain the SASL password."""
        settings = Settings.from_env(_sasl_ssl_env(tmp_path))
        for text in (repr(settings), str(settings), repr(settings.security),
                     f"{settings!r}", f"{settings.security}"):
            assert PASSWORD not in text
        assert "escwatch" in repr(settings.security)

    def test_log_lines_never_carry_the_password(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Building the app and logging its settings and credentials leaks no password."""
        caplog.set_level(logging.DEBUG)
        settings = Settings.from_env(_sasl_ssl_env(tmp_path))
        app = _app(settings)
        logging.getLogger("escwatch.test").info("settings %r credentials %r conf %r",
                                                settings, app.conf.broker_credentials,
                                                app.conf.broker_credentials)
        assert caplog.records
        assert PASSWORD not in caplog.text

    def test_faust_worker_banner_hides_the_password(self, tmp_path: Path) -> None:
        """The startup banner Faust's worker command prints does not show the password."""
        from faust.cli.worker import worker as worker_command
        from faust.worker import Worker

        app = _app(Settings.from_env(_sasl_ssl_env(tmp_path)))
        worker = Worker(app, quiet=True, redirect_stdouts=False, loop=None)
        command: Any = worker_command.__new__(worker_command)
        command.app = app
        banner = "\n".join(f"{k} {v}" for k, v in command._banner_data(worker))
        assert "transport" in banner
        assert PASSWORD not in banner


class TestWebBinding:
    def test_endpoints_bind_loopback_by_default(self, tmp_path: Path) -> None:
        """Without ESCWATCH_WEB_HOST the health and metrics server listens on 127.0.0.1."""
        app = _app(Settings.from_env(_env(tmp_path)))
        assert app.conf.web_bind == "127.0.0.1"

    def test_web_host_override_is_honoured(self, tmp_path: Path) -> None:
        """ESCWATCH_WEB_HOST and ESCWATCH_WEB_PORT change the bind address and port."""
        env = _env(tmp_path, ESCWATCH_WEB_HOST="0.0.0.0", ESCWATCH_WEB_PORT="7070")
        app = _app(Settings.from_env(env))
        assert (app.conf.web_bind, app.conf.web_port) == ("0.0.0.0", 7070)
