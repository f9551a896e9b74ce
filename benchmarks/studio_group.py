"""A studio group under load: simulated desktops across three instances on PostgreSQL, next to
one instance on SQLite.

Run with ``.venv/bin/python benchmarks/studio_group.py --pg postgresql://postgres@127.0.0.1:PORT/postgres``
(an admin URL: the benchmark creates and drops its own database ``swan_bench``; ``.ci/pg-cluster``
gives a throwaway cluster and exports ``SWAN_TEST_PG_URL``, which is the default). Each server is
a real ``swan-server serve`` process (plain ws:// on loopback, limits off). ``--desktops`` viewers
sign in and ``sync``, spread evenly over the instances; one writer per instance updates its own
session at ``--rate`` changes a second for ``--seconds``. Every viewer timestamps each event's
arrival; fan-out latency is arrival minus the writer's send time (one monotonic clock, one
process). Prints fan-out p50/p99, events delivered per second to all viewers together and
change commits per second, for the group and then for one SQLite server with the same desktops
and writers. Bounded: every wait has a limit, and the servers are stopped in ``finally``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from websockets.asyncio.client import ClientConnection, connect

CLI = [sys.executable, "-m", "swan_desktop.server.cli"]
ADMIN, ADMIN_PASSWORD = "boss", "bench-admin-password"
VIEWER, VIEWER_PASSWORD = "watcher", "bench-viewer-password"
NO_LIMITS = ("--rate-limit", "0", "--max-connections", "5000", "--max-connections-per-user", "0",
             "--max-pending-per-address", "0")
WAIT_S = 60.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


@dataclass
class Viewer:
    ws: ClientConnection
    #: (arrival, session id, version)
    arrivals: list[tuple[float, int, int]] = field(default_factory=list)

    async def read(self) -> None:
        with contextlib.suppress(Exception):
            async for message in self.ws:
                now = time.monotonic()
                frame = json.loads(message)
                if frame.get("type") == "event" and frame.get("kind") == "session:updated":
                    s = frame["data"]["session"]
                    self.arrivals.append((now, int(s["id"]), int(s["version"])))


async def _request(ws: ClientConnection, rid: str, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps({"type": rtype, "id": rid, "data": data}))
    async with asyncio.timeout(WAIT_S):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "reply" and frame.get("re") == rid:
                if not frame["ok"]:
                    raise RuntimeError(f"{rtype} refused: {frame['error']}")
                return dict(frame["data"])


async def open_client(url: str, credentials: dict[str, str]) -> ClientConnection:
    ws = await connect(url, open_timeout=WAIT_S, close_timeout=2, max_queue=None)
    await _request(ws, "a", "authenticate", credentials)
    await _request(ws, "s", "sync", {})
    return ws


async def token_of(url: str, username: str, password: str) -> dict[str, str]:
    """Sign in once with the password (argon2 is slow on purpose); every desktop then uses the token."""
    ws = await connect(url, open_timeout=WAIT_S, close_timeout=2)
    try:
        signed = await _request(ws, "a", "authenticate", {"username": username, "password": password})
    finally:
        await ws.close()
    return {"token": str(signed["token"])}


class Writer:
    def __init__(self, ws: ClientConnection, index: int) -> None:
        self.ws = ws
        self.index = index
        self.sent_at: dict[tuple[int, int], float] = {}
        self.ids = itertools.count(1)
        self.session: dict[str, Any] = {}
        #: Request ids are this writer's own: the request log answers a repeated id from its memory.
        self.tag = f"w{index}-{time.time_ns()}"

    async def create(self) -> None:
        day = 1 + self.index
        self.session = (await _request(self.ws, f"{self.tag}-c", "session.create", {
            "start": f"2035-05-{day:02d}T10:00:00Z", "end": f"2035-05-{day:02d}T11:00:00Z",
            "trainer_id": 1, "location": "Studio A", "status": "scheduled", "allow_overlap": True,
        }))["session"]

    async def run(self, rate: float, seconds: float) -> int:
        began, n = time.monotonic(), 0
        while time.monotonic() - began < seconds:
            slot = began + n / rate
            delay = slot - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            s = self.session
            self.sent_at[(s["id"], s["version"] + 1)] = time.monotonic()
            self.session = (await _request(self.ws, f"{self.tag}-{next(self.ids)}", "session.update", {
                "id": s["id"], "version": s["version"], "changes": {"notes": f"change {n}"}}))["session"]
            n += 1
        return n


async def start_server(db: str, env: dict[str, str], demo: bool) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        *CLI, "serve", "--db", db, "--port", "0", "--tls", "off", "--log-level", "WARNING", *NO_LIMITS,
        *(("--demo",) if demo else ()),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), WAIT_S)).decode().strip()
    if not line.startswith("swan-server listening on ws://"):
        raise RuntimeError(f"serve did not start: {line!r}")
    return proc, line.rsplit(" ", 1)[1]


async def stop_server(proc: asyncio.subprocess.Process) -> None:
    from tests.support.server_process import stop

    await stop(proc)


async def prepare(db: str, env: dict[str, str]) -> None:
    for args, password in ((("init", "--admin", ADMIN), ADMIN_PASSWORD),
                           (("user", "add", VIEWER, "--role", "viewer"), VIEWER_PASSWORD)):
        proc = await asyncio.create_subprocess_exec(
            *CLI, *args, "--db", db, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE, env=env)
        _, err = await asyncio.wait_for(proc.communicate(password.encode() + b"\n"), WAIT_S)
        if proc.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {err.decode().strip()}")


async def run(label: str, db: str, instances: int, desktops: int, rate: float, seconds: float) -> str:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    await prepare(db, env)
    procs: list[asyncio.subprocess.Process] = []
    viewers: list[Viewer] = []
    readers: list[asyncio.Task[None]] = []
    writers: list[Writer] = []
    try:
        urls = []
        for i in range(instances):
            proc, url = await start_server(db, env, demo=i == 0)  # the first seeds the demo studio
            procs.append(proc)
            urls.append(url)
        viewer = await token_of(urls[0], VIEWER, VIEWER_PASSWORD)
        admin = await token_of(urls[0], ADMIN, ADMIN_PASSWORD)
        held = 0
        for start in range(0, desktops, 50):
            try:
                batch = await asyncio.gather(*(open_client(urls[i % instances], viewer)
                                               for i in range(start, min(desktops, start + 50))))
            except (OSError, TimeoutError, RuntimeError) as exc:
                print(f"  {label}: stopped opening desktops at {held}: {exc}", flush=True)
                break
            viewers.extend(Viewer(ws) for ws in batch)
            held += len(batch)
        readers = [asyncio.create_task(v.read()) for v in viewers]
        writers = [Writer(await open_client(urls[i % instances], admin), i) for i in range(3)]
        for w in writers:
            await w.create()
        began = time.monotonic()
        made = await asyncio.gather(*(w.run(rate, seconds) for w in writers))
        elapsed = time.monotonic() - began
        expected = sum(made) * len(viewers)
        deadline = time.monotonic() + WAIT_S
        while sum(len(v.arrivals) for v in viewers) < expected and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        sent = {key: t for w in writers for key, t in w.sent_at.items()}
        latencies = [(t - sent[(sid, ver)]) * 1000 for v in viewers for t, sid, ver in v.arrivals
                     if (sid, ver) in sent]
        last = max((t for v in viewers for t, _, _ in v.arrivals), default=time.monotonic())
        delivered = len(latencies)
        return (f"{label:<28} desktops {len(viewers):5d}  changes {sum(made):5d} "
                f"({sum(made) / elapsed:6.1f} commits/s)  fan-out p50 {percentile(latencies, 50):7.1f} ms  "
                f"p99 {percentile(latencies, 99):7.1f} ms  delivered {delivered}/{expected} "
                f"({delivered / max(last - began, 1e-9):8.0f} events/s)")
    finally:
        for task in readers:
            task.cancel()
        await asyncio.gather(*(v.ws.close() for v in viewers), return_exceptions=True)
        await asyncio.gather(*(w.ws.close() for w in writers), return_exceptions=True)
        await asyncio.gather(*readers, return_exceptions=True)
        for proc in procs:
            await stop_server(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pg", default=os.environ.get("SWAN_TEST_PG_URL"),
                        help="admin URL of a PostgreSQL cluster (default $SWAN_TEST_PG_URL)")
    parser.add_argument("--desktops", type=int, default=1000)
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--rate", type=float, default=10.0, help="changes a second per writer (3 writers)")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    if not args.pg:
        print("studio_group: give --pg postgresql://… (or run under .ci/pg-cluster)", file=sys.stderr)
        return 2
    base = args.pg.rsplit("/", 1)[0]
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS swan_bench WITH (FORCE)")
        admin.execute("CREATE DATABASE swan_bench")
    lines = []
    try:
        lines.append(asyncio.run(run(f"PostgreSQL, {args.instances} instances", f"{base}/swan_bench",
                                     args.instances, args.desktops, args.rate, args.seconds)))
        print(lines[-1], flush=True)
        with tempfile.TemporaryDirectory(prefix="swan-bench-") as tmp:
            lines.append(asyncio.run(run("SQLite, 1 instance", str(Path(tmp) / "bench.sqlite3"), 1,
                                         args.desktops, args.rate, args.seconds)))
            print(lines[-1], flush=True)
    finally:
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS swan_bench WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
