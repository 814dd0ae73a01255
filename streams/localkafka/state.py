"""State files of the brokers started here: one folder per port under the state root.

``<state root>/<port>/`` holds ``state.json`` (mode, pid, version, log files),
``broker.pid``, the generated ``server.properties`` and ``log4j2.properties``,
``data/`` (KRaft storage) and ``logs/``. A local cluster lives in
``<state root>/cluster-<base port>/node-<i>/``. A lock file serialises ``up`` and
``down`` of concurrent callers.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "BrokerStatus",
    "Mode",
    "clear_state",
    "cluster_dir",
    "local_bootstrap",
    "locked",
    "managed_dirs",
    "port_dir",
    "prepare_data_dir",
    "read_state",
    "stored_pid",
    "write_state",
]

Mode = Literal["external", "docker", "jvm", "none"]


@dataclass(frozen=True, slots=True)
class BrokerStatus:
    """Where the Kafka broker is and how it was obtained.

    Attributes:
        bootstrap: ``host:port[,host:port...]`` to hand to Kafka clients.
        running: Whether the broker answered a metadata request.
        mode: ``"external"`` (not started by us), ``"docker"``, ``"jvm"``
            (a local JVM started here) or ``"none"``.
        pid: Process id of the broker JVM when ``mode == "jvm"``.
        log_file: Broker log file, when known.
        detail: Human-readable explanation.
    """

    bootstrap: str
    running: bool
    mode: Mode
    pid: int | None
    log_file: str | None
    detail: str

    def line(self) -> str:
        """The status as the one line the command line prints."""
        state = "running" if self.running else "not running"
        parts = [f"kafka {state} [{self.mode}] at {self.bootstrap}"]
        if self.pid is not None:
            parts.append(f"pid={self.pid}")
        if self.log_file:
            parts.append(f"log={self.log_file}")
        text = " ".join(parts)
        return f"{text}: {self.detail}" if self.detail else text


def local_bootstrap(port: int) -> str:
    """The loopback address of a local broker on ``port``."""
    return f"127.0.0.1:{port}"


def port_dir(state_root: Path, port: int) -> Path:
    """The state folder of the single broker on ``port``."""
    return state_root / str(port)


def cluster_dir(state_root: Path, base_port: int) -> Path:
    """The state folder of the local cluster whose first node is on ``base_port``."""
    return state_root / f"cluster-{base_port}"


def read_state(folder: Path) -> dict[str, object]:
    """The recorded ``state.json`` of a broker folder; empty when missing or broken."""
    try:
        data = json.loads((folder / "state.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(folder: Path, state: dict[str, object]) -> None:
    """Record ``state`` atomically, and its ``pid`` (if any) in ``broker.pid``."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "state.json.tmp"
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.replace(folder / "state.json")
    pid = state.get("pid")
    if isinstance(pid, int):
        (folder / "broker.pid").write_text(f"{pid}\n")


def clear_state(folder: Path) -> None:
    """Forget the broker of ``folder`` (its data and logs stay)."""
    for name in ("state.json", "broker.pid"):
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()


def stored_pid(folder: Path) -> int | None:
    """The pid recorded in ``broker.pid``, if any."""
    try:
        return int((folder / "broker.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def managed_dirs(state_root: Path, port: int | None = None) -> list[Path]:
    """Folders with a recorded broker: that of ``port``, or all of them."""
    if port is not None:
        dirs = [port_dir(state_root, port)]
    elif state_root.is_dir():
        dirs = sorted(p for p in state_root.iterdir() if p.is_dir())
    else:
        dirs = []
    return [d for d in dirs if (d / "state.json").exists() or (d / "broker.pid").exists()]


def prepare_data_dir(data_dir: Path, keep_data: bool) -> bool:
    """Make ``data_dir`` ready for a broker start; return whether it is a restart.

    A dev/test broker starts from empty storage (the folder is wiped) unless
    ``keep_data`` asks to restart on storage formatted by an earlier start.
    """
    restart = keep_data and (data_dir / "meta.properties").is_file()
    if not restart:
        shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    return restart


@contextlib.contextmanager
def locked(state_root: Path) -> Iterator[None]:
    """Hold the state root's exclusive lock (other ``up``/``down`` calls wait)."""
    state_root.mkdir(parents=True, exist_ok=True)
    with (state_root / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
