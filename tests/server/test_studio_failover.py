"""Failover in a studio group: three ``swan-server`` processes on one PostgreSQL database, one of
them killed with SIGKILL while simulated desktops edit through all three.

The desktops on the killed instance reconnect to the others (each has the list of addresses and
tries them in turn), resume with ``sync {since}``, and resend the change whose reply was lost
under the same request id. Afterwards every acknowledged change is in the database exactly once
(a refused one not at all), and every desktop's view of the changes converges on the database's.
Needs the throwaway cluster of ``.ci/pg-cluster`` (``SWAN_TEST_PG_URL``); skipped without it.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import psycopg
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support import pg, server_process
from tests.support.server import WsClient, session_data

pytestmark = [
    pytest.mark.skipif(not pg.enabled(), reason="no PostgreSQL cluster, or SWAN_TEST_PG=off"),
    pytest.mark.own_database,
]

DESKTOPS = 30
CHANGES = 6
PASSWORD = "failover-secret-1"


class Desktop:
    """A protocol client with a list of servers: on a lost connection it moves to the next one."""

    def __init__(self, index: int, urls: list[str], token: str) -> None:
        self.index = index
        self.urls = urls
        self.at = index % len(urls)
        self.token = token
        self.client: WsClient | None = None
        self.epoch = ""
        self.cursor = 0
        #: notes marker → session id, from the events this desktop received.
        self.seen: dict[str, int] = {}
        self.acked: dict[str, bool] = {}  # request id → applied (True) or refused (False)
        self.reconnects = 0

    async def connect(self) -> None:
        for attempt in range(3 * len(self.urls)):
            url = self.urls[(self.at + attempt) % len(self.urls)]
            try:
                ws = await connect(url, open_timeout=3, close_timeout=1)
            except (OSError, TimeoutError):
                continue
            client = WsClient(ws)
            await client.ok("authenticate", {"token": self.token})
            since = {"since": {"epoch": self.epoch, "seq": self.cursor}} if self.epoch else {}
            synced = await client.ok("sync", since)
            if self.epoch:
                assert synced["recovered"] is True, synced
            self.epoch = synced["epoch"]
            if not since:
                self.cursor = int(synced["seq"])
            self.client = client
            self.at = (self.at + attempt) % len(self.urls)
            return
        raise AssertionError(f"desktop {self.index}: no server answered")

    def take_events(self) -> None:
        assert self.client is not None
        while self.client.events:
            event = self.client.events.pop(0)
            seq = int(event["seq"])
            assert seq > self.cursor, f"desktop {self.index}: seq {seq} after {self.cursor}"
            self.cursor = seq
            session = event["data"].get("session")
            if event["kind"] == "session:created" and session and session["notes"].startswith("fo-"):
                self.seen[session["notes"]] = session["id"]

    async def change(self, rid: str, data: dict[str, Any]) -> None:
        while True:
            assert self.client is not None
            try:
                reply = await self.client.request("session.create", data, rid)
            except (ConnectionClosed, OSError, TimeoutError):
                self.reconnects += 1
                self.at += 1
                with contextlib.suppress(Exception):
                    await self.client.ws.close()
                await self.connect()
                continue  # the same request id: answered from the request log if it was applied
            self.take_events()
            self.acked[rid] = bool(reply["ok"])
            return

    async def settle(self, head: int) -> None:
        """Read events until the cursor reaches ``head``."""
        assert self.client is not None
        while self.cursor < head:
            self.client.events.append(await self.client.next_event(timeout=10))
            self.take_events()


def _in_database(url: str) -> dict[str, int]:
    """notes marker → how many sessions carry it."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        rows = conn.execute("SELECT notes, count(*) FROM sessions WHERE notes LIKE 'fo-%' GROUP BY notes")
        return {str(notes): int(n) for notes, n in rows}


def _head(url: str) -> int:
    with psycopg.connect(url, connect_timeout=5) as conn:
        row = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()
        return int(row[0]) if row else 0


async def test_a_killed_instance_loses_nothing_and_every_desktop_converges(tmp_path: Path) -> None:
    url = pg.database_for(tmp_path / "failover")
    procs: list[asyncio.subprocess.Process] = []
    desktops: list[Desktop] = []
    try:
        await server_process.init(url, "boss", PASSWORD)
        addresses: list[str] = []
        for _ in range(3):
            proc, address = await server_process.serve(url)
            procs.append(proc)
            addresses.append(address)
        first = WsClient(await connect(addresses[0], open_timeout=5, close_timeout=1))
        signed = await first.ok("authenticate", {"username": "boss", "password": PASSWORD})
        await first.ws.close()
        desktops = [Desktop(i, addresses, signed["token"]) for i in range(DESKTOPS)]
        async with asyncio.timeout(60):
            await asyncio.gather(*(d.connect() for d in desktops))

        async def edit(desktop: Desktop) -> None:
            for k in range(CHANGES):
                n = desktop.index * CHANGES + k
                day, hour = 1 + n % 28, n // 28
                rid = f"fo-{desktop.index}-{k}"
                await desktop.change(rid, session_data(
                    start=f"2034-03-{day:02d}T{hour:02d}:00:00Z", end=f"2034-03-{day:02d}T{hour:02d}:30:00Z",
                    trainer_id=1, notes=rid, client_id=None, client_name="Walk-in", session_type_id=None))

        async def kill_one() -> None:
            while sum(len(d.acked) for d in desktops) < DESKTOPS * CHANGES // 3:
                await asyncio.sleep(0.01)
            procs[1].kill()  # SIGKILL: no goodbye to anyone
            await asyncio.wait_for(procs[1].wait(), 10)

        async with asyncio.timeout(120):
            await asyncio.gather(kill_one(), *(edit(d) for d in desktops))
        stored = _in_database(url)
        head = _head(url)
        async with asyncio.timeout(30):
            await asyncio.gather(*(d.settle(head) for d in desktops))
    finally:
        for desktop in desktops:
            if desktop.client is not None:
                with contextlib.suppress(Exception):
                    await desktop.client.ws.close()
        for proc in procs:
            await server_process.stop(proc)
        pg.drop_all()

    moved = [d for d in desktops if d.reconnects]
    assert moved, "the desktops of the killed instance reconnected elsewhere"
    assert all(d.at % 3 != 1 for d in moved)
    acked = {rid: ok for d in desktops for rid, ok in d.acked.items()}
    assert len(acked) == DESKTOPS * CHANGES  # every change was answered in the end
    assert all(n == 1 for n in stored.values()), "no change applied twice"
    assert {rid for rid, ok in acked.items() if ok} == set(stored), "acknowledged = stored"
    for desktop in desktops:
        assert set(desktop.seen) == set(stored), f"desktop {desktop.index} converged"
