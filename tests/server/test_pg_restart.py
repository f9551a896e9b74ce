"""PostgreSQL itself restarts under a studio-group instance with a desktop editing.

The test runs its own throwaway cluster (:class:`tests.support.pg_cluster.PrivateCluster`,
never the shared one other tests use), a ``swan-server`` process on it and a plain protocol
client making changes. PostgreSQL is stopped (``-m fast`` / ``-m immediate``): while it is
away every request is answered at once with a clear error, never left hanging and never a
bare ``internal``; once it is back the same requests succeed (the request id makes a resend
safe). Then it is restarted (``pg_ctl restart``) in the middle of a stream of changes. In the
end the server process is still running, every acknowledged change is stored exactly once,
and the client received every event it may see, in ``seq`` order, without a gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from websockets.asyncio.client import connect

from tests.support import server_process
from tests.support.pg_cluster import PrivateCluster, pg_bin
from tests.support.server import WsClient, session_data

pytestmark = pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")

PASSWORD = "restart-secret-1"
#: A reply that takes longer than this is a hang (the server answers an outage at once).
REPLY_BOUND_S = 20.0


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    pg = PrivateCluster()
    try:
        pg.start()
        yield pg
    finally:
        pg.destroy()


def _change(rid: str, n: int) -> dict[str, Any]:
    day, hour = 1 + n % 28, n // 28
    return session_data(start=f"2035-04-{day:02d}T{hour:02d}:00:00Z",
                        end=f"2035-04-{day:02d}T{hour:02d}:30:00Z", trainer_id=1, notes=rid,
                        client_id=None, client_name="Walk-in", session_type_id=None)


class Editor:
    """Makes numbered changes; a refused one is resent under the same id until it is answered."""

    def __init__(self, client: WsClient) -> None:
        self.client = client
        self.made = 0
        self.acked: list[str] = []
        self.outage_errors: list[dict[str, Any]] = []

    async def change(self) -> None:
        rid, n = f"pr-{self.made}", self.made
        self.made += 1
        while True:
            reply = await asyncio.wait_for(self.client.request("session.create", _change(rid, n), rid),
                                           REPLY_BOUND_S)
            if reply["ok"]:
                self.acked.append(rid)
                return
            _assert_clear(reply["error"])  # refused only while the database is away
            self.outage_errors.append(reply["error"])
            await asyncio.sleep(0.2)


def _stored(url: str) -> dict[str, int]:
    with psycopg.connect(url, connect_timeout=5) as conn:
        rows = conn.execute("SELECT notes, count(*) FROM sessions WHERE notes LIKE 'pr-%' GROUP BY notes")
        return {str(notes): int(n) for notes, n in rows}


def _visible_seqs(url: str, after: int, user_id: int) -> list[int]:
    with psycopg.connect(url, connect_timeout=5) as conn:
        rows = conn.execute("SELECT seq, audience FROM events WHERE seq > %s ORDER BY seq", (after,))
        out = []
        for seq, audience in rows:
            if audience is None or user_id in json.loads(audience):
                out.append(int(seq))
        return out


def _assert_clear(error: dict[str, Any]) -> None:
    assert error["message"] and error["message"] != "internal server error", error
    assert "database" in error["message"], error


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_the_server_rides_out_a_postgresql_restart(cluster: PrivateCluster, mode: str) -> None:
    await server_process.init(cluster.url, "boss", PASSWORD)
    proc, address = await server_process.serve(cluster.url, "--demo")
    client: WsClient | None = None
    try:
        client = WsClient(await connect(address, open_timeout=5, close_timeout=1))
        signed = await client.ok("authenticate", {"username": "boss", "password": PASSWORD})
        boss_id = int(signed["user"]["id"])
        start = int((await client.ok("sync", {}))["seq"])
        editor = Editor(client)
        for _ in range(3):
            await editor.change()

        await asyncio.to_thread(cluster.stop, mode)
        refused = await asyncio.wait_for(client.request("session.create", _change("pr-out", 99), "pr-out"),
                                         REPLY_BOUND_S)
        assert refused["ok"] is False
        _assert_clear(refused["error"])
        read = await asyncio.wait_for(client.request("schedule.query", {
            "start": "2035-04-01T00:00:00Z", "end": "2035-05-01T00:00:00Z"}), REPLY_BOUND_S)
        assert read["ok"] is False
        _assert_clear(read["error"])
        assert proc.returncode is None, "the server died with the database"
        await asyncio.to_thread(cluster.start)

        async def resend_outage_change() -> None:
            while True:
                reply = await asyncio.wait_for(
                    client.request("session.create", _change("pr-out", 99), "pr-out"), REPLY_BOUND_S)
                if reply["ok"]:
                    editor.acked.append("pr-out")
                    return
                _assert_clear(reply["error"])
                await asyncio.sleep(0.2)

        await resend_outage_change()

        async def edit_through_restart() -> None:
            for _ in range(20):
                await editor.change()

        async def restart_midway() -> None:
            while len(editor.acked) < 8:
                await asyncio.sleep(0.01)
            await asyncio.to_thread(cluster.restart, mode)

        async with asyncio.timeout(120):
            await asyncio.gather(edit_through_restart(), restart_midway())
        assert proc.returncode is None, "the server died with the database"
        for error in editor.outage_errors:
            _assert_clear(error)

        stored = _stored(cluster.url)
        assert all(n == 1 for n in stored.values()), "no change applied twice"
        assert set(editor.acked) == set(stored), "acknowledged = stored"
        assert len(editor.acked) == editor.made + 1
        expected = _visible_seqs(cluster.url, start, boss_id)
        seen: list[int] = []
        async with asyncio.timeout(30):
            while not seen or seen[-1] < expected[-1]:
                seen.append(int((await client.next_event(timeout=10))["seq"]))
        assert seen == expected[: len(seen)] and seen[-1] == expected[-1], "events in seq order, no gap"
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                await client.ws.close()
        await server_process.stop(proc)
