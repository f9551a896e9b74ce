"""Shared by the multi-process benchmarks: a studio database with users and tokens, a real
``swan-server serve`` in a process of its own, and what the operating system says it used.

Everything runs on loopback. Clients sign in with tokens (as a desktop that remembers its
sign-in does), so no benchmark spends its time in argon2.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psutil

from swan_desktop.protocol.entities import Role
from swan_desktop.server import demo
from swan_desktop.server.auth import issue_token_sync
from swan_desktop.server.store import Store

#: How long the server may take to start listening, and to stop.
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_studio(db: Path | str, users: int, role: Role = Role.ADMIN, prefix: str = "bench") -> list[str]:
    """A demo studio at ``db`` with ``users`` accounts of ``role``; one token for each."""
    store = Store(db)
    try:
        demo.seed_if_empty(store)
        tokens = []
        for i in range(users):
            name = f"{prefix}{i:03d}"
            store.upsert_user(name, f"Bench {i}", role, None)
            tokens.append(issue_token_sync(store, name, timedelta(days=1))[1])
        return tokens
    finally:
        store.close()


@dataclass
class ServerProcess:
    """``swan-server serve`` on loopback in a process of its own."""

    proc: subprocess.Popen[str]
    url: str

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.proc.pid).cpu_times()
        return float(times.user + times.system)

    def cpu_wait_seconds(self) -> float:
        """Time the server's threads were ready to run but waited for a CPU (Linux schedstat):
        on a shared machine, how much of its latency is other processes' doing."""
        total = 0
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    total += int((task / "schedstat").read_text().split()[1])
        return total / 1e9

    def peak_rss_mib(self) -> float:
        """The process's peak resident set (VmHWM), in MiB."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float(psutil.Process(self.proc.pid).memory_info().rss) / 2**20

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT_S)


def start_server(db: Path | str, *options: str, pythonpath: str | None = None,
                 folder: Path | None = None) -> ServerProcess:
    """Start ``swan-server serve --db DB --tls off`` plus ``options``; returns once it listens.
    Its log goes to ``DB.log`` (``folder/server.log`` for a PostgreSQL URL, run from ``folder``)."""
    if isinstance(db, str):
        assert folder is not None, "a PostgreSQL server needs a folder for its log"
        log_path, cwd = folder / "server.log", folder
    else:
        log_path, cwd = db.with_suffix(".log"), db.parent
    port = free_port()
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    command = [sys.executable, "-m", "swan_desktop.server.cli", "serve", "--db", str(db), "--tls", "off",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "WARNING", *options]
    log = open(log_path, "w")  # noqa: SIM115 - the server process writes it until it ends
    # From the database's folder: ``python -m`` puts its working folder first on sys.path, and the
    # server must import swan_desktop from PYTHONPATH (another checkout, for before/after), not from it.
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=cwd)
    log.close()
    server = ServerProcess(proc, f"ws://127.0.0.1:{port}/")
    deadline = time.monotonic() + START_TIMEOUT_S
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            server.stop()
            raise RuntimeError(f"swan-server exited with {proc.poll()} before listening")
        if "listening on" in line:
            return server
    server.stop()
    raise RuntimeError("swan-server did not start listening in time")


def machine() -> str:
    """One line about where this ran (cores, load, Python)."""
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores, load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, "
            f"Python {sys.version.split()[0]}, {sys.platform}")


def profile(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    """Sample ``pid`` with py-spy for ``seconds`` (collapsed stacks into ``out``; see :func:`top`)."""
    spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen([str(spy), "record", "--pid", str(pid), "--duration", str(int(seconds)),
                             "--rate", "200", "--format", "raw", "--nonblocking", "--threads",
                             "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def top(collapsed: Path, count: int = 25) -> str:
    """The functions with the most samples (inclusive, and their own), from py-spy's raw output."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, hits_text = line.rpartition(" ")
        samples = int(hits_text)
        total += samples
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + samples
        own[frames[-1]] = own.get(frames[-1], 0) + samples
    lines = [f"{total} samples"]
    for frame, hits in sorted(inclusive.items(), key=lambda kv: -kv[1])[:count]:
        lines.append(f"{100 * hits / total:5.1f}% incl {100 * own.get(frame, 0) / total:5.1f}% own  {frame}")
    lines.append("-- by own samples --")
    for frame, hits in sorted(own.items(), key=lambda kv: -kv[1])[:count]:
        lines.append(f"{100 * hits / total:5.1f}% own  {frame}")
    return "\n".join(lines)


def metric_sum_count(url: str, name: str) -> tuple[float, float] | None:
    """A histogram's ``_sum`` and ``_count`` from the server's ``/metrics`` (started with
    ``--metrics-open``); None when the server has no such metric (an older release)."""
    import urllib.request

    address = url.replace("ws://", "http://").rstrip("/") + "/metrics"
    try:
        with urllib.request.urlopen(address, timeout=10) as reply:
            text = reply.read().decode()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        for suffix in ("_sum", "_count"):
            if line.startswith(name + suffix + " "):
                values[suffix] = float(line.split()[1])
    if len(values) < 2:
        return None
    return values["_sum"], values["_count"]


@contextlib.contextmanager
def pg_database(admin_url: str, name: str) -> Iterator[str]:
    """A new database ``name`` in the PostgreSQL cluster ``admin_url`` reaches (for instance
    ``.ci/pg-cluster``'s ``$SWAN_TEST_PG_URL``): its URL; dropped afterwards."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
