"""Real-time fan-out: how long a schedule change takes to reach every connected client.

Run with ``.venv/bin/python benchmarks/realtime.py`` (add ``--quick`` for a
short run). One swan-server runs on loopback (``EmbeddedServer``, its own
thread and loop, a fresh database in a temporary folder). For each client
count (50, then 200), that many viewers sign in and ``sync`` on a second
asyncio loop in this process's main thread, and one admin makes session
updates: first spaced at 100 a second, then as a burst (back to back, each
after the previous reply). Every viewer timestamps each event's arrival; the
fan-out latency of an event is its arrival time minus the moment the writer
sent the change (both on the same monotonic clock). Prints p50/p95/p99 and
the events per second delivered to all viewers together. Loopback only,
bounded: each run gives up after ``RUN_TIMEOUT_S``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from websockets.asyncio.client import ClientConnection, connect

from swan_desktop.protocol.entities import Role
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from swan_desktop.server.storage import dialect
from swan_desktop.server.store import Store

CLIENT_COUNTS = (50, 200)
UPDATES = 300
SPACED_RATE = 100.0  # updates a second in the spaced run
TARGET_P99_MS = 50.0
TARGET_CLIENTS = 200
RUN_TIMEOUT_S = 60.0
VIEWER, VIEWER_PASSWORD = "watcher", "watch-only"
#: Cheap argon2 parameters: the benchmark measures fan-out, not sign-in.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass
class Viewer:
    """One connected viewer: records (arrival time, session version) of each event."""

    ws: ClientConnection
    arrivals: list[tuple[float, int]] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    expect_version: int = 0

    async def read(self) -> None:
        async for message in self.ws:
            now = time.monotonic()
            frame = json.loads(message)
            if frame.get("type") != "event" or frame.get("kind") != "session:updated":
                continue
            version = int(frame["data"]["session"]["version"])
            self.arrivals.append((now, version))
            if version >= self.expect_version:
                self.done.set()


class Writer:
    """The admin making the changes: remembers when it sent each version."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.sent_at: dict[int, float] = {}
        self._ids = itertools.count(1)

    async def request(self, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
        rid = f"w{next(self._ids)}"
        await self.ws.send(json.dumps({"type": rtype, "id": rid, "data": data}))
        async for message in self.ws:
            frame = json.loads(message)
            if frame.get("type") == "reply" and frame.get("re") == rid:
                if not frame["ok"]:
                    raise RuntimeError(f"{rtype} refused: {frame['error']}")
                return dict(frame["data"])
        raise RuntimeError("writer connection closed")

    async def update(self, session: dict[str, Any], note: str) -> dict[str, Any]:
        version = session["version"]
        self.sent_at[version + 1] = time.monotonic()
        data = await self.request(
            "session.update", {"id": session["id"], "version": version, "changes": {"notes": note}}
        )
        return dict(data["session"])


async def open_viewer(url: str) -> Viewer:
    ws = await connect(url, open_timeout=30, close_timeout=2, max_queue=None)
    viewer = Viewer(ws)
    for rid, rtype, data in (
        ("a", "authenticate", {"username": VIEWER, "password": VIEWER_PASSWORD}),
        ("s", "sync", {}),
    ):
        await ws.send(json.dumps({"type": rtype, "id": rid, "data": data}))
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if frame.get("re") == rid:
                if not frame["ok"]:
                    raise RuntimeError(f"{rtype} refused: {frame['error']}")
                break
    return viewer


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


@dataclass
class RunResult:
    clients: int
    mode: str
    latencies_ms: list[float]
    expected: int
    elapsed_s: float

    def line(self) -> str:
        lat = sorted(self.latencies_ms)
        rate = len(lat) / self.elapsed_s if self.elapsed_s > 0 else 0.0
        return (
            f"{self.clients:4d} clients  {self.mode:<14} events {len(lat):6d}/{self.expected:<6d}  "
            f"p50 {percentile(lat, 50):6.1f} ms  p95 {percentile(lat, 95):6.1f} ms  "
            f"p99 {percentile(lat, 99):6.1f} ms  max {lat[-1] if lat else float('nan'):6.1f} ms  "
            f"delivered {rate:8.0f} events/s"
        )

    @property
    def p99(self) -> float:
        return percentile(sorted(self.latencies_ms), 99)


async def run_once(
    writer: Writer, viewers: list[Viewer], session: dict[str, Any], updates: int, rate: float | None
) -> tuple[RunResult, dict[str, Any]]:
    first_version = session["version"] + 1
    last_version = session["version"] + updates
    for v in viewers:
        v.arrivals.clear()
        v.done.clear()
        v.expect_version = last_version
    began = time.monotonic()
    for i in range(updates):
        if rate is not None:
            slot = began + i / rate
            delay = slot - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        session = await writer.update(session, f"change {i} at {time.time():.6f}")
    try:
        await asyncio.wait_for(asyncio.gather(*(v.done.wait() for v in viewers)), RUN_TIMEOUT_S)
    except TimeoutError:
        print("  (timed out waiting for every viewer to receive every event)", file=sys.stderr)
    last_arrival = max((t for v in viewers for t, _ in v.arrivals), default=time.monotonic())
    latencies = [
        (t - writer.sent_at[version]) * 1000.0
        for v in viewers
        for t, version in v.arrivals
        if first_version <= version <= last_version
    ]
    mode = f"{rate:.0f}/s spaced" if rate is not None else "burst"
    result = RunResult(len(viewers), mode, latencies, updates * len(viewers), last_arrival - began)
    return result, session


async def bench(url: str, admin_token: str, counts: tuple[int, ...], updates: int) -> list[RunResult]:
    writer_ws = await connect(url, open_timeout=30, close_timeout=2, max_queue=None)
    writer = Writer(writer_ws)
    await writer.request("authenticate", {"token": admin_token})
    session = (
        await writer.request(
            "session.create",
            {"start": "2031-06-02T10:00:00Z", "end": "2031-06-02T11:00:00Z", "trainer_id": 1,
             "location": "Studio A", "status": "scheduled", "allow_overlap": True},
        )
    )["session"]
    results: list[RunResult] = []
    viewers: list[Viewer] = []
    readers: list[asyncio.Task[None]] = []
    try:
        for count in counts:
            while len(viewers) < count:
                more = min(25, count - len(viewers))
                batch = await asyncio.gather(*(open_viewer(url) for _ in range(more)))
                viewers.extend(batch)
                readers.extend(asyncio.create_task(v.read()) for v in batch)
            for rate in (SPACED_RATE, None):
                result, session = await run_once(writer, viewers, session, updates, rate)
                print(result.line(), flush=True)
                results.append(result)
    finally:
        for task in readers:
            task.cancel()
        await asyncio.gather(*(v.ws.close() for v in viewers), return_exceptions=True)
        await asyncio.gather(*readers, return_exceptions=True)
        await writer_ws.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10 and 50 clients, 100 updates")
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL"), default="FULL",
                        help="SQLite's synchronous for the server (FULL, its setting; NORMAL only to "
                        "measure what FULL costs)")
    args = parser.parse_args(argv)
    dialect.SYNCHRONOUS = args.synchronous
    counts = (10, 50) if args.quick else CLIENT_COUNTS
    updates = 100 if args.quick else UPDATES
    with tempfile.TemporaryDirectory(prefix="swan-bench-") as tmp:
        # The benchmark's own writer goes well past a person's pace, and one viewer account opens
        # every viewer socket at once from one address: no request rate, per-user or per-address
        # limits here (a studio's server keeps them, see docs/security.md).
        limits = Limits(rate=0, max_connections_per_user=0, max_pending_per_address=0)
        server = EmbeddedServer(Path(tmp) / "bench.db", demo=True, hasher=FAST_HASHER, limits=limits)
        server.start()
        try:
            server.server.store.submit(
                Store.upsert_user, VIEWER, "Watcher", Role.VIEWER, FAST_HASHER.hash(VIEWER_PASSWORD)
            )
            token = server.issue_local_token()["token"]
            print(f"swan-server on {server.url} (synchronous={args.synchronous}); {updates} session "
                  "updates a run; latency = "
                  "event arrival at a viewer - writer's send time", flush=True)
            results = asyncio.run(bench(server.url, token, counts, updates))
        finally:
            server.stop()
    worst = max((r.p99 for r in results if r.clients == TARGET_CLIENTS), default=None)
    if worst is not None:
        verdict = "met" if worst < TARGET_P99_MS else "MISSED"
        print(f"target: p99 < {TARGET_P99_MS:.0f} ms at {TARGET_CLIENTS} clients — {verdict} "
              f"(worst p99 {worst:.1f} ms)")
        return 0
    print(f"median p99 over runs: {statistics.median(r.p99 for r in results):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
