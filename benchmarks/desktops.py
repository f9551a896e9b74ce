"""1,000 desktops on one server: signed in, live, with presence and heartbeats, at the default limits.

Run with ``.venv/bin/python benchmarks/desktops.py`` (``--desktops N``, ``--hold S``).
A real ``swan-server serve`` (``--tls off``; every limit at its default) runs in its own
process. Client PROCESSES, each from its own 127.0.0.x address (the per-address limit
on connections still signing in is 16: each opens at most 8 at a time), open the
desktops: 50 users (the per-user limit is 32), each desktop signs in with its user's
token, ``sync``s, reports ``presence.update`` and then, like the app, sends a
``heartbeat`` every 15 s and a presence report every 30 s (each desktop at its own
phase), for ``--hold`` seconds. Meanwhile an admin changes a session every 5 s; every
desktop must receive each change.

Prints desktops held (of those asked for), refusals, heartbeat round trip p50/p99, the
fan-out latency of the changes to all desktops, the server's CPU (percent of one core)
and peak RSS, and PASS/FAIL: all held, none dropped, every change received by every
desktop. Bounded: each client stops at its deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import swanbench
from websockets.asyncio.client import ClientConnection, connect

from swan_desktop.protocol.entities import Role

DESKTOPS = 1000
USERS = 50
PROCESSES = 4
OPEN_BATCH = 8
HEARTBEAT_S = 15.0
PRESENCE_S = 30.0
CHANGE_EVERY_S = 5.0
HOLD_S = 45.0
REPLY_TIMEOUT_S = 30.0


class Desktop:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.changes: list[tuple[int, float]] = []  # (index, arrival)
        self.rtts: list[float] = []
        self.ids = 0
        self.frames = 0

    async def read(self) -> None:
        async for message in self.ws:
            now = time.monotonic()
            self.frames += 1
            frame = json.loads(message)
            if frame.get("type") == "reply":
                future = self.waiting.pop(frame.get("re"), None)
                if future is not None and not future.done():
                    future.set_result(frame)
            elif frame.get("type") == "event" and frame.get("kind") == "session:updated":
                index, _, sent = frame["data"]["session"]["notes"].partition(":")
                self.changes.append((int(index), (now - float(sent)) * 1000))

    async def request(self, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
        self.ids += 1
        rid = f"{rtype}-{self.ids}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[rid] = future
        await self.ws.send(json.dumps({"type": rtype, "id": rid, "data": data}))
        return await asyncio.wait_for(future, REPLY_TIMEOUT_S)


async def _sign_in(url: str, token: str, address: str) -> tuple[Desktop, asyncio.Task[None]]:
    ws = await connect(url, open_timeout=60, close_timeout=2, max_queue=None, local_addr=(address, 0))
    desk = Desktop(ws)
    reader = asyncio.create_task(desk.read())
    for rtype, data in (("authenticate", {"token": token}), ("sync", {}),
                        ("presence.update", {"activity": "viewing"})):
        reply = await desk.request(rtype, data)
        if not reply["ok"]:
            raise RuntimeError(f"{rtype} refused: {reply['error']}")
    return desk, reader


async def _live(desk: Desktop, until: float, rng: random.Random) -> None:
    """Heartbeats every 15 s and presence every 30 s, at this desktop's own phase."""
    next_beat = time.monotonic() + rng.uniform(0, HEARTBEAT_S)
    next_presence = time.monotonic() + rng.uniform(0, PRESENCE_S)
    while True:
        now = time.monotonic()
        wake = min(next_beat, next_presence)
        if wake >= until:
            return
        await asyncio.sleep(max(0.0, wake - now))
        if next_beat <= next_presence:
            sent = time.monotonic()
            reply = await desk.request("heartbeat", {"client_time": time.time()})
            if reply["ok"]:
                desk.rtts.append((time.monotonic() - sent) * 1000)
            next_beat += HEARTBEAT_S
        else:
            await desk.request("presence.update", {"activity": rng.choice(["viewing", "selecting"])})
            next_presence += PRESENCE_S


async def _client_main(url: str, tokens: list[str], address: str, ready: Any, go: Any) -> dict[str, Any]:
    desks: list[Desktop] = []
    readers: list[asyncio.Task[None]] = []
    refused: list[str] = []
    try:
        for i in range(0, len(tokens), OPEN_BATCH):
            batch = tokens[i:i + OPEN_BATCH]
            for outcome in await asyncio.gather(*(_sign_in(url, t, address) for t in batch),
                                                return_exceptions=True):
                if isinstance(outcome, BaseException):
                    refused.append(repr(outcome)[:200])
                else:
                    desks.append(outcome[0])
                    readers.append(outcome[1])
        ready.put(len(desks))
        until = await asyncio.get_running_loop().run_in_executor(None, go.get, True, 300)
        rng = random.Random(address)
        await asyncio.gather(*(_live(d, until, rng) for d in desks), return_exceptions=True)
        await asyncio.sleep(2.0)  # the last change lands
        still_open = sum(1 for r in readers if not r.done())
    finally:
        for task in readers:
            task.cancel()
        await asyncio.gather(*(d.ws.close() for d in desks), return_exceptions=True)
    return {"held": still_open, "refused": refused, "rtts": [x for d in desks for x in d.rtts],
            "frames": sum(d.frames for d in desks), "cpu_s": time.process_time(),
            "changes": [c for d in desks for c in d.changes]}


def _client_process(url: str, tokens: list[str], address: str, ready: Any, go: Any, out: Any) -> None:
    try:
        out.put(asyncio.run(_client_main(url, tokens, address, ready, go)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        ready.put(0)
        out.put({"error": repr(exc)})


async def _changes(url: str, token: str, until: float) -> int:
    """An admin changes a session every 5 s; the notes carry "index:send time"."""
    async with connect(url, open_timeout=30, max_queue=None) as ws:
        desk = Desktop(ws)
        reader = asyncio.create_task(desk.read())
        await desk.request("authenticate", {"token": token})
        session = (await desk.request("session.create", {
            "start": "2031-06-02T10:00:00Z", "end": "2031-06-02T11:00:00Z", "trainer_id": 1,
            "location": "Studio A", "status": "scheduled", "allow_overlap": True}))["data"]["session"]
        made = 0
        while time.monotonic() + CHANGE_EVERY_S < until:
            await asyncio.sleep(CHANGE_EVERY_S)
            reply = await desk.request("session.update", {
                "id": session["id"], "version": session["version"],
                "changes": {"notes": f"{made}:{time.monotonic():.6f}"}})
            session = reply["data"]["session"]
            made += 1
        reader.cancel()
        return made


def run(desktops: int, hold: float) -> bool:
    with tempfile.TemporaryDirectory(prefix="swan-desktops-") as tmp:
        db = Path(tmp) / "studio.sqlite3"
        tokens = swanbench.prepare_studio(db, USERS, Role.VIEWER, "desk")
        admin = swanbench.prepare_studio(db, 1, Role.ADMIN, "writer")[0]
        server = swanbench.start_server(db, "--demo")
        try:
            ctx = mp.get_context("spawn")
            ready, out = ctx.Queue(), ctx.Queue()
            assigned = [tokens[i % USERS] for i in range(desktops)]
            shares = [share for p in range(PROCESSES) if (share := assigned[p::PROCESSES])]
            gos = [ctx.Queue() for _ in shares]
            began = time.monotonic()
            procs = [ctx.Process(target=_client_process, daemon=True,
                                 args=(server.url, share, f"127.0.0.{2 + p}", ready, go, out))
                     for p, (share, go) in enumerate(zip(shares, gos, strict=True))]
            for proc in procs:
                proc.start()
            opened = sum(ready.get(timeout=300) for _ in procs)
            signed_in_s = time.monotonic() - began
            rss_signed_in = server.peak_rss_mib()
            cpu0, wait0, t0 = server.cpu_seconds(), server.cpu_wait_seconds(), time.monotonic()
            until = t0 + hold
            for go in gos:
                go.put(until)
            made = asyncio.run(_changes(server.url, admin, until))
            results = [out.get(timeout=until - time.monotonic() + 90) for _ in procs]
            cpu = (server.cpu_seconds() - cpu0) / (time.monotonic() - t0) * 100
            waited = (server.cpu_wait_seconds() - wait0) / (time.monotonic() - t0) * 100
            rss = server.peak_rss_mib()
            for proc in procs:
                proc.join(10)
        finally:
            server.stop()
    errors = [r["error"] for r in results if "error" in r]
    if errors:
        print(f"client processes failed: {errors}", file=sys.stderr)
        return False
    held = sum(r["held"] for r in results)
    refused = [x for r in results for x in r["refused"]]
    rtts = sorted(x for r in results for x in r["rtts"])
    fan = sorted(lat for r in results for _, lat in r["changes"])
    expected = made * opened
    ok = opened == desktops and held == desktops and not refused and len(fan) >= expected
    print(f"{desktops} desktops ({USERS} users, {PROCESSES} addresses): {opened} signed in and synced in "
          f"{signed_in_s:.1f} s, {held} still open after {hold:.0f} s; refused {len(refused)}"
          f"{' e.g. ' + refused[0] if refused else ''}", flush=True)
    print(f"  heartbeats {len(rtts)}: round trip p50 {swanbench.percentile(rtts, 50):.1f} ms, "
          f"p99 {swanbench.percentile(rtts, 99):.1f} ms; {made} changes, {len(fan)}/{expected} deliveries: "
          f"p50 {swanbench.percentile(fan, 50):.1f} ms, p99 {swanbench.percentile(fan, 99):.1f} ms",
          flush=True)
    frames = sum(r["frames"] for r in results)
    print(f"  the desktops received {frames:,} frames (presence of the other users, mostly); their "
          f"{len(results)} client processes used {sum(r['cpu_s'] for r in results):.0f} s of CPU", flush=True)
    print(f"  server: {cpu:.1f} % of one core while holding them (and {waited:.0f} % of the time ready "
          f"but waiting for a core other processes held), peak RSS {rss_signed_in:.0f} MiB after "
          f"sign-in, {rss:.0f} MiB at the end", flush=True)
    print(f"target: {desktops} desktops held at the default limits, every change delivered — "
          f"{'PASS' if ok else 'FAIL'}", flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--desktops", type=int, default=DESKTOPS)
    parser.add_argument("--hold", type=float, default=HOLD_S, help="seconds to hold them live")
    args = parser.parse_args(argv)
    print(f"swan-server with many desktops on {swanbench.machine()}", flush=True)
    run(args.desktops, args.hold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
