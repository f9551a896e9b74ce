"""The server tests' helpers: everything in :mod:`tests.support.server` (re-exported here for the
tests that import it from this folder), and the ``swan-server`` command line run as its own
process (``CLI``, and ``run_cli`` to run it to the end with a given standard input)."""

from __future__ import annotations

import subprocess
import sys

from tests.support.server import *  # noqa: F403
from tests.support.server import FAST_HASHER, PASSWORDS, ROLES, WAIT, Clients, WsClient  # noqa: F401

#: The ``swan-server`` command, run with this interpreter.
CLI = [sys.executable, "-m", "swan_desktop.server.cli"]


def run_cli(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    """``swan-server <args>`` run to the end with ``stdin`` on its standard input (one minute at most)."""
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False)
