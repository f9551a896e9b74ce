"""The desktop's side of the embedded server's process (see :mod:`.embedded_child`).

Only the standard library here: the desktop imports this module, and the server's
modules (SQLAlchemy, Alembic, the features) stay in the child's memory, not the
desktop's. ``start()`` spawns the child at once (its imports and database run beside
the desktop's own start-up); ``handover()`` waits for its address and token;
``stop()`` closes the pipe the child watches and waits for it to finish.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

#: The frozen bundle's own executable runs the child when given this first argument
#: (packaging/launch.py), before any Qt module is imported.
FROZEN_FLAG = "--embedded-server"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


class EmbeddedServerFailed(RuntimeError):
    """The child did not start (the message says why, in words)."""


@dataclass(frozen=True, slots=True)
class Handover:
    """What the child told the desktop: where it listens and a sign-in token for the local admin."""

    url: str
    token: str
    grant: dict[str, Any]


def child_command(db_path: str | Path, *, demo: bool = True, log: str | Path | None = None) -> list[str]:
    """The command that runs the child, from a source install and from the frozen bundle alike."""
    args = ["--db", str(db_path), *([] if demo else ["--no-demo"]),
            *([] if log is None else ["--log", str(log)])]
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_FLAG, *args]
    return [sys.executable, "-m", "swan_desktop.server.embedded_child", *args]


class EmbeddedProcess:
    """The embedded server as a child process that lives exactly as long as the desktop."""

    def __init__(self, db_path: str | Path, *, demo: bool = True, log: str | Path | None = None) -> None:
        self.db_path = Path(db_path)
        self._demo = demo
        #: The child's log file (None: its standard error, the desktop's).
        self.log = Path(log) if log is not None else None
        self._proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        if self._proc is not None:
            raise RuntimeError("already started")
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # Windows: no console window for it
        self._proc = subprocess.Popen(
            child_command(self.db_path, demo=self._demo, log=self.log),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=dict(os.environ, PYTHONUNBUFFERED="1"),
            creationflags=flags,
        )

    def handover(self) -> Handover:
        """Blocks until the child listens (its one line); raises :class:`EmbeddedServerFailed`.

        Call it off the GUI thread. If the child says nothing it is stopped and the error
        says so; :meth:`stop` ends a child that hangs before its line.
        """
        proc = self._require()
        stdout: IO[bytes] | None = proc.stdout
        assert stdout is not None
        line = stdout.readline()
        stdout.close()
        try:
            message = json.loads(line) if line else {}
        except ValueError:
            message = {}
        if not isinstance(message, dict) or "url" not in message or "token" not in message:
            why = message.get("error") if isinstance(message, dict) else None
            self.stop()
            raise EmbeddedServerFailed(
                f"embedded server failed to start: {why or 'it ended without a word'} "
                f"(exit code {proc.returncode}; its log: {self.log or 'standard error'})")
        self.url = str(message.pop("url"))
        log.info("swan-server listening on %s (the embedded demo studio, process %d)", self.url, proc.pid)
        return Handover(self.url, str(message["token"]), message)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int | None:
        """Ask the child to stop (its pipe closes) and wait; ended by force if it takes longer.

        Returns its exit code (None when it was never started).
        """
        proc = self._proc
        if proc is None:
            return None
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("the embedded server did not stop within %.0f s: ended", timeout)
            proc.kill()
            return proc.wait()
        finally:
            if proc.stdout is not None:
                proc.stdout.close()

    def _require(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            raise RuntimeError("not started")
        return self._proc
