"""Find, start, describe and stop the single local broker.

:func:`up` tries, in order: ``KAFKA_BOOTSTRAP_SERVERS`` if it answers (mode
``"external"``); a broker already answering on ``127.0.0.1:<port>`` (reused);
``docker compose up -d kafka`` when a Docker engine answers and a compose file
is known (mode ``"docker"``); a local KRaft JVM from Maven Central jars (mode
``"jvm"``). Settings come from :class:`streams.config.LocalBrokerSettings`,
read at each call.
"""

from __future__ import annotations

from pathlib import Path

from streams.config import LocalBrokerSettings
from streams.localkafka import docker, jvm
from streams.localkafka.probe import ClusterInfo, bootstrap_addresses, port_open, probe_metadata
from streams.localkafka.state import (
    BrokerStatus,
    clear_state,
    local_bootstrap,
    locked,
    managed_dirs,
    port_dir,
    read_state,
    stored_pid,
    write_state,
)
from streams.localkafka.util import BrokerUnavailableError

__all__ = ["down", "find_or_start", "status", "up"]


def _settings(settings: LocalBrokerSettings | None) -> LocalBrokerSettings:
    return settings if settings is not None else LocalBrokerSettings.from_env()


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _describe_local(settings: LocalBrokerSettings, port: int, info: ClusterInfo) -> BrokerStatus:
    """Describe a broker that answers on 127.0.0.1:port, from our state if it is ours."""
    folder = port_dir(settings.state_dir, port)
    state = read_state(folder)
    cluster = f"cluster {info.cluster_id}, {len(info.brokers)} broker(s)"
    bootstrap = local_bootstrap(port)
    if state.get("mode") == "jvm":
        pid = stored_pid(folder)
        if pid is not None and jvm.is_our_broker(pid, folder / "server.properties"):
            return BrokerStatus(bootstrap, True, "jvm", pid, _text(state.get("log_file")),
                                f"local JVM Kafka {state.get('version', '?')}, {cluster}")
    if state.get("mode") == "docker":
        return BrokerStatus(bootstrap, True, "docker", None, None, f"docker compose, {cluster}")
    return BrokerStatus(bootstrap, True, "external", None, None,
                        f"broker not started by escwatch, {cluster}")


def _external(settings: LocalBrokerSettings, port: int) -> BrokerStatus | None:
    """``KAFKA_BOOTSTRAP_SERVERS`` when it answers, unless it names the local port
    (as ``make`` does): that broker is described as a local one, maybe ours."""
    bootstrap = settings.bootstrap_servers
    if bootstrap is None:
        return None
    local = {("127.0.0.1", port), ("localhost", port)}
    if set(bootstrap_addresses(bootstrap)) <= local:
        return None
    info = probe_metadata(bootstrap)
    if info is None:
        return None
    return BrokerStatus(bootstrap, True, "external", None, None,
                        f"KAFKA_BOOTSTRAP_SERVERS answered ({len(info.brokers)} broker(s), "
                        f"cluster {info.cluster_id})")


def status(port: int | None = None, settings: LocalBrokerSettings | None = None) -> BrokerStatus:
    """Report the broker clients would use, without starting anything.

    Args:
        port: Local port checked when ``KAFKA_BOOTSTRAP_SERVERS`` is unset or silent
            (default: the settings' port).
        settings: Default: from the environment.

    Returns:
        The status; ``running`` only if the broker answered a metadata request.
    """
    settings = _settings(settings)
    port = settings.port if port is None else port
    external = _external(settings, port)
    if external is not None:
        return external
    info = probe_metadata(local_bootstrap(port))
    if info is not None:
        return _describe_local(settings, port, info)
    folder = port_dir(settings.state_dir, port)
    pid = stored_pid(folder)
    log = _text(read_state(folder).get("log_file"))
    if pid is not None and jvm.is_our_broker(pid, folder / "server.properties"):
        return BrokerStatus(local_bootstrap(port), False, "jvm", pid, log,
                            "JVM is alive but does not answer metadata requests yet")
    detail = "nothing answers metadata requests"
    if port_open(port):
        detail = f"port {port} is open but does not speak Kafka"
    return BrokerStatus(local_bootstrap(port), False, "none", None, log, detail)


def find_or_start(port: int | None = None, *, start: bool = True, timeout: float = 120.0,
                  keep_data: bool = False,
                  settings: LocalBrokerSettings | None = None) -> BrokerStatus:
    """Find a Kafka broker, starting a local one if allowed.

    Args:
        port: Local PLAINTEXT port (the controller uses ``port + 1``).
        start: Whether to start a broker when none answers.
        timeout: Seconds a started broker has to answer metadata requests (Maven's
            first-time resolution is not counted).
        keep_data: Restart a JVM broker on the storage of its previous run (topics
            and offsets survive) instead of wiping it.
        settings: Default: from the environment.

    Returns:
        The broker found or started; with ``start=False`` and nothing answering, a
        status with ``running=False`` and mode ``"none"``.

    Raises:
        BrokerUnavailableError: ``start`` is true and no broker could be found or
            started; the message names what is missing.
    """
    settings = _settings(settings)
    port = settings.port if port is None else port
    external = _external(settings, port)
    if external is not None:
        return external
    if not start:
        return status(port, settings)
    with locked(settings.state_dir):
        return _find_or_start_locked(settings, port, timeout, keep_data)


def _require_free(port: int, busy: int) -> None:
    if port_open(busy):
        raise BrokerUnavailableError(
            f"cannot start Kafka on 127.0.0.1:{port}: port {busy} is already in use by "
            "something that does not answer Kafka metadata requests; pick another --port")


def _find_or_start_locked(settings: LocalBrokerSettings, port: int, timeout: float,
                          keep_data: bool) -> BrokerStatus:
    info = probe_metadata(local_bootstrap(port))
    if info is not None:
        found = _describe_local(settings, port, info)
        return BrokerStatus(found.bootstrap, True, found.mode, found.pid, found.log_file,
                            f"reused: {found.detail}")
    reasons: list[str] = []
    if settings.bootstrap_servers:
        reasons.append(f"KAFKA_BOOTSTRAP_SERVERS={settings.bootstrap_servers} did not answer "
                       "metadata requests")
    else:
        reasons.append("no KAFKA_BOOTSTRAP_SERVERS set")

    folder = port_dir(settings.state_dir, port)
    stale = stored_pid(folder)
    if stale is not None and jvm.is_our_broker(stale, folder / "server.properties"):
        jvm.stop_pid(stale)  # ours but not answering: replace it
    clear_state(folder)

    _require_free(port, port)
    compose, why = docker.compose_command(settings.compose_file)
    if compose is not None and settings.compose_file is not None:
        write_state(folder, {"mode": "docker", "port": port,
                             "compose_file": str(settings.compose_file)})
        cluster_id = docker.compose_up(compose, settings.compose_file, port, timeout)
        return BrokerStatus(local_bootstrap(port), True, "docker", None, None,
                            f"docker compose, cluster {cluster_id}")
    reasons.append(why)
    _require_free(port, port + 1)

    java, why = jvm.find_java(settings.java_home)
    if java is None:
        reasons.append(why)
        raise BrokerUnavailableError("no Kafka broker available: " + "; ".join(reasons))
    version = settings.kafka_version
    libs, why = jvm.resolve_libs(settings.home, version, java)
    if libs is None:
        reasons.append(why)
        raise BrokerUnavailableError("no Kafka broker available: " + "; ".join(reasons))
    result = jvm.start_broker(java, libs, folder, port, version, timeout, keep_data)
    if why == "cached":
        return result
    return BrokerStatus(result.bootstrap, result.running, result.mode, result.pid,
                        result.log_file, f"{result.detail} ({why})")


def up(port: int | None = None, timeout: float = 180.0, *, keep_data: bool = False,
       settings: LocalBrokerSettings | None = None) -> BrokerStatus:
    """Make sure a Kafka broker answers, starting one if needed.

    Same as :func:`find_or_start` with ``start=True``. A new JVM broker wipes and
    reformats its data directory first (dev/test broker, no persistence) unless
    ``keep_data`` asks for a restart on the previous storage.

    Raises:
        BrokerUnavailableError: Nothing could be found or started.
    """
    return find_or_start(port, start=True, timeout=timeout, keep_data=keep_data,
                         settings=settings)


def _down_one(folder: Path) -> tuple[str, str]:
    state = read_state(folder)
    port = state.get("port")
    known_port = port if isinstance(port, int) else None
    bootstrap = local_bootstrap(known_port) if known_port is not None else str(folder)
    if state.get("mode") == "docker":
        compose_file = _text(state.get("compose_file"))
        if compose_file is None:
            clear_state(folder)
            return bootstrap, "docker broker without a recorded compose file (state removed)"
        message = docker.compose_down(Path(compose_file), known_port)
        if not message.startswith("cannot stop"):
            clear_state(folder)
        return bootstrap, message
    pid = stored_pid(folder)
    if pid is None:
        clear_state(folder)
        return bootstrap, "no pid file"
    if not jvm.is_our_broker(pid, folder / "server.properties"):
        clear_state(folder)
        return bootstrap, f"pid {pid} was not running (stale pid file removed)"
    message = jvm.stop_pid(pid)
    clear_state(folder)
    return bootstrap, message


def down(port: int | None = None, settings: LocalBrokerSettings | None = None) -> BrokerStatus:
    """Stop the broker(s) started here.

    JVM brokers get SIGTERM, up to 30 s to exit, then SIGKILL; their pid file is
    removed. Docker brokers are stopped with ``docker compose down``. Brokers not
    started here (``KAFKA_BOOTSTRAP_SERVERS``, another process on the port) are
    left alone.

    Args:
        port: Only stop the broker recorded for this port; None stops all.
        settings: Default: from the environment.

    Returns:
        A status whose ``running`` tells whether anything still answers on the
        affected port(s).
    """
    settings = _settings(settings)
    with locked(settings.state_dir):
        results = [_down_one(d) for d in managed_dirs(settings.state_dir, port)]
    if not results:
        where = local_bootstrap(port if port is not None else settings.port)
        return BrokerStatus(where, probe_metadata(where) is not None, "none", None, None,
                            "no managed broker to stop")
    bootstrap = ",".join(b for b, _ in results)
    still = probe_metadata(bootstrap) is not None
    detail = results[0][1] if len(results) == 1 else "; ".join(f"{b}: {m}" for b, m in results)
    if still:
        detail += "; a broker not started by escwatch still answers"
    return BrokerStatus(bootstrap, still, "none", None, None, detail)
