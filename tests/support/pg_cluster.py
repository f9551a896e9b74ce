"""A private, throwaway PostgreSQL cluster a test may stop, crash and restart at will.

The shared cluster of ``.ci/pg-cluster`` serves every other test and must stay up; a test
that restarts PostgreSQL starts its own with :class:`PrivateCluster` (``initdb`` and
``pg_ctl`` as ``.ci/pg-cluster`` does: as the ``postgres`` user when run as root, on a free
loopback port). Its folder is made under ``/tmp`` rather than the test's ``tmp_path``: the
``postgres`` user cannot enter pytest's root-owned, owner-only folders.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def pg_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (``PG_BIN``, else the newest installed), or None."""
    given = os.environ.get("PG_BIN")
    if given:
        return Path(given)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateCluster:
    """``start()``, ``stop(mode)``, ``restart(mode)``, ``destroy()``; :attr:`url` is its admin URL."""

    def __init__(self) -> None:
        binaries = pg_bin()
        assert binaries is not None, "PostgreSQL is not installed"
        self.bin = binaries
        self.dir = Path(tempfile.mkdtemp(prefix="swan-pg-private-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=60)

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "30",
                  "-l", str(self.dir / "server.log"), "-o", options, *args)

    def start(self) -> None:
        if not self.data.exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "stop")

    def restart(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "restart")

    def destroy(self) -> None:
        subprocess.run([*self._as, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
