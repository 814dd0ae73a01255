"""A tool's child worker does not outlive the tool."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

PARENT = """
import subprocess, sys, time
from streams.processes import die_with_parent
guard = die_with_parent if sys.argv[1] == "1" else None
child = subprocess.Popen(["sleep", "60"], preexec_fn=guard)
print(child.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie counts as gone: it has stopped and waits only to be reaped.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def _orphan_survives(guarded: bool) -> bool:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, "1" if guarded else "0"],
                              stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    survived = _alive(child)
    if survived:
        os.kill(child, signal.SIGKILL)
    return survived


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_child_dies_with_its_killed_parent() -> None:
    """With die_with_parent the child ends when its parent is SIGKILLed; without, it stays."""
    assert not _orphan_survives(guarded=True)
    assert _orphan_survives(guarded=False)

