"""Notification marks made while the server is out of reach are kept in the outbox, shown at once,
and reach the server exactly once when the link is back — also across a restart of the app."""

from __future__ import annotations

import asyncio

from swan_desktop.core.client import StudioClient
from swan_desktop.net.link import LinkState
from swan_desktop.server.notifier_api import Notice, Recipients
from tests.support.poll import until
from tests.support.server import PASSWORDS

from .conftest import RestartableServer


async def _notify(studio: RestartableServer, title: str) -> None:
    assert studio.server is not None
    notice = Notice(title, "Heating failed in room 2.", category="system", priority="critical")
    loop = studio.server._require_loop()
    future = asyncio.run_coroutine_threadsafe(
        studio.server.server.notifier.notify(Recipients.admins(), notice), loop)
    await asyncio.wrap_future(future)


def _updates(received: list, nid: int) -> int:
    return sum(1 for e in received if e.kind == "notification:updated"
               and e.data["notification"]["id"] == nid)


async def test_a_mark_made_offline_shows_at_once_and_reaches_the_server_once_after_reconnect(
        studio, proxy, connect) -> None:
    desk = await connect(f"ws://127.0.0.1:{proxy.port}/", "boss", pc="desk")
    other = await connect(studio.url, "boss", pc="office")  # the same user on a PC that stays online
    received: list = []
    other.router.register("notification:", received.append)
    await _notify(studio, "Boiler alarm")
    await until(lambda: len(desk.notifications.store) == 1 and len(other.notifications.store) == 1)
    (note,) = desk.notifications.store.visible()

    proxy.refuse(True)
    proxy.cut()
    await until(lambda: desk.link.state is not LinkState.LIVE)
    assert await desk.notifications.mark([note.id], "acknowledge") == [note.id]
    shown = desk.notifications.store.get(note.id)
    assert shown is not None and shown.acknowledged_at is not None and shown.read_at is not None
    assert desk.notifications.store.is_pending(note.id) and desk.notifications.store.critical == 0
    assert desk.link.outbox.depth == 1
    assert other.notifications.store.get(note.id).acknowledged_at is None  # the server has not heard

    proxy.refuse(False)
    await until(lambda: desk.link.outbox.depth == 0 and not desk.notifications.store.pending)
    await until(lambda: other.notifications.store.get(note.id).acknowledged_at is not None)
    reply = await other.link.request("notification.query", {})
    assert reply["critical"] == 0 and reply["notifications"][0]["acknowledged_at"] is not None
    assert desk.notifications.store.get(note.id).acknowledged_at is not None
    assert _updates(received, note.id) == 1  # applied once


async def test_a_mark_queued_before_the_app_closed_is_shown_pending_and_sent_after_the_restart(
        studio, connect, tmp_path) -> None:
    desk = await connect(studio.url, "boss", pc="desk")
    await _notify(studio, "Door left open")
    await until(lambda: len(desk.notifications.store) == 1)
    (note,) = desk.notifications.store.visible()
    await studio.astop()
    await until(lambda: desk.link.state is not LinkState.LIVE)
    await desk.notifications.mark([note.id], "read")
    await desk.close()

    await studio.astart()
    again = StudioClient(studio.url, outbox_dir=tmp_path / "desk")
    try:
        await again.sign_in({"username": "boss", "password": PASSWORDS["boss"]})
        await until(lambda: again.link.outbox.depth == 0 and not again.notifications.store.pending)
        reloaded = await again.link.request("notification.query", {})
        assert reloaded["unread"] == 0
        marked = again.notifications.store.get(note.id)
        assert marked is not None and marked.read_at is not None
    finally:
        await again.close()


async def test_a_queued_mark_the_server_refuses_is_told_in_words_and_not_kept(studio, connect) -> None:
    desk = await connect(studio.url, "boss", pc="desk")
    told: list[str] = []
    desk.notifications.on_refused.append(told.append)
    await studio.astop()
    await until(lambda: desk.link.state is not LinkState.LIVE)
    assert await desk.notifications.mark([987654], "read") == [987654]  # queued: the server decides
    await studio.astart()
    await until(lambda: bool(told))
    assert "refused" in told[0] and "987654" in told[0]
    assert desk.link.outbox.depth == 0 and desk.failed_changes() == []
    assert not desk.notifications.store.pending
