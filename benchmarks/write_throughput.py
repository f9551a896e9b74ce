"""Write throughput: durable ``session.update``s a second from many connections.

Run with ``.venv/bin/python benchmarks/write_throughput.py`` (``--quick`` for a short run).
A real ``swan-server serve`` (``--tls off``, the default limits) runs in its own process
on a fresh demo studio; client PROCESSES (each from its own 127.0.0.x address) open many
admin connections between them (signed in with tokens, several users, not synced: the
writers receive no events). Each connection creates a session of its own, then updates
its notes in a closed loop — the next update right after the previous reply — for the
measured time. Every reply comes after the change's commit with ``synchronous=FULL``
(an fsync), so a reply means the change is on disk.

Prints updates a second, the commit latency (send → durable reply) p50/p99, and
PASS/FAIL against the target. Afterwards the database file is opened and every session's
version checked against the updates acknowledged for it (nothing acknowledged is missing).
Bounded: each client stops at its deadline, or after ``MAX_UPDATES_PER_CONNECTION``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import swanbench
from websockets.asyncio.client import ClientConnection, connect

from swan_desktop.server.store import Store

TARGET_UPDATES_S = 2000.0
MAX_UPDATES_PER_CONNECTION = 100_000
OPEN_BATCH = 8  # connections one process opens at once (under the per-address limit of 16)
REPLY_TIMEOUT_S = 30.0


async def _request(ws: ClientConnection, rid: str, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps({"type": rtype, "id": rid, "data": data}))
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_S))
        if frame.get("type") == "reply" and frame.get("re") == rid:
            return dict(frame)


async def _writer(ws: ClientConnection, index: int, start_at: float, until: float,
                  latencies: list[float], outcomes: Counter[str], done: dict[int, int]) -> None:
    day, hour = divmod(index, 10)
    created = await _request(ws, "c", "session.create", {
        "start": f"2032-{1 + day // 28:02d}-{1 + day % 28:02d}T{8 + hour:02d}:00:00Z",
        "end": f"2032-{1 + day // 28:02d}-{1 + day % 28:02d}T{8 + hour:02d}:30:00Z",
        "trainer_id": 1, "location": "Studio A", "status": "scheduled", "allow_overlap": True})
    if not created["ok"]:
        raise RuntimeError(f"session.create refused: {created['error']}")
    session = created["data"]["session"]
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    acknowledged = 0
    for n in range(MAX_UPDATES_PER_CONNECTION):
        sent = time.monotonic()
        if sent >= until:
            break
        reply = await _request(ws, f"u{n}", "session.update", {
            "id": session["id"], "version": session["version"], "changes": {"notes": f"update {n}"}})
        if reply["ok"]:
            session = reply["data"]["session"]
            acknowledged += 1
            latencies.append((time.monotonic() - sent) * 1000)
            outcomes["ok"] += 1
        else:
            outcomes[reply["error"]["code"]] += 1
    done[session["id"]] = acknowledged


async def _client_main(url: str, tokens: list[str], first_index: int, address: str, start_at: float,
                       until: float) -> dict[str, Any]:
    sockets: list[ClientConnection] = []
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    done: dict[int, int] = {}
    try:
        for i in range(0, len(tokens), OPEN_BATCH):
            batch = tokens[i:i + OPEN_BATCH]
            opened = await asyncio.gather(*(connect(url, open_timeout=30, close_timeout=2, max_queue=None,
                                                    local_addr=(address, 0)) for _ in batch))
            sockets.extend(opened)
            for ws, token in zip(opened, batch, strict=True):
                reply = await _request(ws, "a", "authenticate", {"token": token})
                if not reply["ok"]:
                    raise RuntimeError(f"sign-in refused: {reply['error']}")
        await asyncio.gather(*(_writer(ws, first_index + i, start_at, until, latencies, outcomes, done)
                               for i, ws in enumerate(sockets)))
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return {"latencies": latencies, "outcomes": dict(outcomes), "done": done}


def _client_process(url: str, tokens: list[str], first_index: int, address: str, start_at: float,
                    until: float, out: Any) -> None:
    try:
        out.put(asyncio.run(_client_main(url, tokens, first_index, address, start_at, until)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which says so
        out.put({"error": repr(exc)})


def run(connections: int, processes: int, users: int, seconds: float, pythonpath: str | None,
        profile: Path | None = None) -> bool:
    with tempfile.TemporaryDirectory(prefix="swan-writes-") as tmp:
        db = Path(tmp) / "studio.sqlite3"
        tokens = swanbench.prepare_studio(db, users)
        server = swanbench.start_server(db, "--demo", "--metrics-open", pythonpath=pythonpath)
        try:
            per_process = [list(range(p, connections, processes)) for p in range(processes)]
            ctx = mp.get_context("spawn")
            out = ctx.Queue()
            # Connections start writing together, once all have signed in (time enough for that).
            start_at = time.monotonic() + 8.0 + connections * 0.02
            until = start_at + seconds
            procs = [ctx.Process(target=_client_process, daemon=True, args=(
                server.url, [tokens[i % users] for i in idx], idx[0] if idx else 0,
                f"127.0.0.{2 + p}", start_at, until, out)) for p, idx in enumerate(per_process) if idx]
            for proc in procs:
                proc.start()
            time.sleep(max(0.0, start_at - time.monotonic()))
            spy = swanbench.profile(server.pid, seconds, profile) if profile is not None else None
            cpu_before, wait_before = server.cpu_seconds(), server.cpu_wait_seconds()
            results = [out.get(timeout=start_at + seconds + 120 - time.monotonic()) for _ in procs]
            cpu_used = server.cpu_seconds() - cpu_before
            waited = server.cpu_wait_seconds() - wait_before
            rss = server.peak_rss_mib()
            groups = swanbench.metric_sum_count(server.url, "swan_commit_group_changes")
            for proc in procs:
                proc.join(10)
            if spy is not None:
                spy.wait(30)
        finally:
            server.stop()
        errors = [r["error"] for r in results if "error" in r]
        if errors:
            print(f"client processes failed: {errors}", file=sys.stderr)
            return False
        latencies = sorted(x for r in results for x in r["latencies"])
        outcomes: Counter[str] = Counter()
        done: dict[int, int] = {}
        for r in results:
            outcomes.update(r["outcomes"])
            done.update(r["done"])
        # Every acknowledged update is in the file: each session's version = 1 + its updates.
        store = Store(db)
        try:
            missing = sum(1 for sid, n in done.items()
                          if (s := store.session(sid)) is None or s.version != 1 + n)
        finally:
            store.close()
    rate = len(latencies) / seconds
    p50, p99 = swanbench.percentile(latencies, 50), swanbench.percentile(latencies, 99)
    verdict = "PASS" if rate >= TARGET_UPDATES_S and not missing else "FAIL"
    refused = {k: v for k, v in outcomes.items() if k != "ok"}
    print(f"{connections} connections in {len(per_process)} client processes, {users} users, "
          f"{seconds:.0f} s: {rate:,.0f} durable session.update/s; commit latency (send → reply) "
          f"p50 {p50:.1f} ms p99 {p99:.1f} ms; refused {refused or 'none'}; server CPU "
          f"{cpu_used / max(1, len(latencies)) * 1e6:.0f} µs/update ({cpu_used / seconds * 100:.0f} % of a "
          f"core; ready but waiting for a core {waited / seconds * 100:.0f} % of the time), "
          f"peak RSS {rss:.0f} MiB; "
          f"sessions whose stored version disagrees: {missing}", flush=True)
    if groups is not None and groups[1]:
        print(f"group commit: {groups[0]:,.0f} changes in {groups[1]:,.0f} commits, "
              f"{groups[0] / groups[1]:.1f} changes a commit on average", flush=True)
    print(f"target: >= {TARGET_UPDATES_S:,.0f} updates/s, each durable before its reply — {verdict}",
          flush=True)
    return verdict == "PASS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--connections", type=int, default=128)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--users", type=int, default=8, help="admin accounts the connections share")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="32 connections, 4 s")
    parser.add_argument("--server-pythonpath", help="run the server from another checkout (before/after)")
    parser.add_argument("--profile", type=Path, help="py-spy the server into this file; print its top")
    args = parser.parse_args(argv)
    if args.quick:
        args.connections, args.seconds = 32, 4.0
    print(f"swan-server write throughput on {swanbench.machine()}", flush=True)
    run(args.connections, args.processes, args.users, args.seconds, args.server_pythonpath, args.profile)
    if args.profile is not None:
        print(swanbench.top(args.profile, 40))
    return 0


if __name__ == "__main__":
    sys.exit(main())
