"""A server stops within its bounds and leaves nothing running behind it: a connection still
waiting on the database is cut short, and whatever is still pending when the loop ends is
cancelled on that loop (as ``asyncio.run`` does), not destroyed later on another thread."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support.poll import until
from tests.support.server import Clients, start_server

SEARCH = '{"type": "client.search", "id": "s", "data": {"q": "a", "limit": 20}}'


def _hold_the_database(server: EmbeddedServer, release: threading.Event) -> threading.Thread:
    """The database worker kept busy (as by a long report) until ``release`` is set."""
    def hold(_store: Store) -> None:
        release.wait(30)

    holder = threading.Thread(target=server.server.store.submit, args=(hold,), daemon=True)
    holder.start()
    return holder


async def test_a_stop_cuts_short_a_connection_still_waiting_on_the_database(tmp_path: Path) -> None:
    server = start_server(tmp_path / "studio.sqlite3", demo=False)
    release = threading.Event()
    stopper = threading.Thread(target=server.stop, daemon=True)
    pool = Clients(server)
    try:
        vic = await pool.signed_in("vic", sync=False)
        vic_id = server.server.store.submit(lambda store: store.account_by_username("vic").id)
        share = server.server.dispatcher.fair_share
        holder = _hold_the_database(server, release)
        await vic.send_raw(SEARCH)
        await until(lambda: server.call(lambda: share.waiting(vic_id)) == 1, what="vic's search in flight")
        open_now = server.call(lambda: set(server.server.connections))
        stopper.start()
        await until(lambda: all(conn.closed for conn in open_now),
                    what="vic's connection ended while the database is still busy")
        assert not release.is_set() and holder.is_alive()
    finally:
        release.set()
        await pool.close()
    await asyncio.to_thread(stopper.join, 20)
    assert not stopper.is_alive(), "the server stopped"


async def test_a_task_still_pending_at_the_end_is_cancelled_on_the_servers_own_loop(tmp_path: Path) -> None:
    server = start_server(tmp_path / "studio.sqlite3", demo=False)
    ended: list[bool] = []
    kept: list[asyncio.Task[None]] = []

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            # Raises (and records nothing) when the task is destroyed outside its loop.
            ended.append(asyncio.get_running_loop() is not None)

    server.call(lambda: kept.append(asyncio.get_running_loop().create_task(forever())))
    await asyncio.to_thread(server.stop)
    assert ended == [True] and kept[0].cancelled()


async def test_a_stop_ends_the_desktops_connections_before_the_other_parts_stop(
        tmp_path: Path, monkeypatch) -> None:
    """Desktops hear at once that the server is going (in a studio group they move to another
    instance): their connections end before the monitor, the instance registration and the
    rest take their turns, each of which may wait up to its bound."""
    server = start_server(tmp_path / "studio.sqlite3", demo=False)
    pool = Clients(server)
    try:
        await pool.signed_in("vic", sync=False)
        open_now = server.call(lambda: set(server.server.connections))
        seen: list[bool] = []
        monitor_stop = server.server.monitor.stop

        async def stop_the_monitor() -> None:
            seen.append(bool(open_now) and all(conn.closed for conn in open_now))
            await monitor_stop()

        monkeypatch.setattr(server.server.monitor, "stop", stop_the_monitor)
        await asyncio.to_thread(server.stop)
        assert seen == [True], "the connections had ended when the monitor's turn came"
    finally:
        await pool.close()
