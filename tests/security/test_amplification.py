"""A small request cannot make the server send or store a flood: replies fit a frame, a sync
replay is bounded, presence is coalesced, and text is stored as UTF-8."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from swan_desktop.protocol.frames import MAX_FRAME_BYTES
from swan_desktop.server.collab import activity, chat
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from swan_desktop.server.notifications import records
from swan_desktop.server.notifier_api import Notice, Recipients
from swan_desktop.server.store import Store
from tests.server.support import WsClient, signed_in_client, start_server

from .support import Peers, pages

#: 4,000 characters, each four bytes of UTF-8 (twelve as JSON escapes).
LONG = "\N{SWAN}" * 4000


def _fill_room(server: EmbeddedServer, count: int) -> None:
    def fill(store: Store) -> None:
        author = store.account_by_username("ana")
        with store.transaction():
            for _ in range(count):
                chat.post(store, None, author, "studio", "chat", LONG)

    server.server.store.submit(fill)


async def _page_all(client: WsClient, rtype: str, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    got = await pages(client, rtype, data, "before")
    assert all(size < MAX_FRAME_BYTES for size, _ in got)
    return [item for _, page in got for item in page[key]]


async def test_a_room_of_500_long_messages_answers_chat_history_in_frames_under_1_mib(
        server: EmbeddedServer, peers: Peers) -> None:
    _fill_room(server, 500)
    vic = await peers.signed_in("vic")
    messages = await _page_all(vic, "chat.history", {"room": "studio"}, "messages")
    assert len(messages) == 500 and len({m["id"] for m in messages}) == 500


async def test_a_long_activity_feed_answers_in_frames_under_1_mib(
        server: EmbeddedServer, peers: Peers) -> None:
    def fill(store: Store) -> None:
        actor = store.account_by_username("boss")
        assert actor is not None
        with store.transaction() as tx:
            for _ in range(300):
                activity.record(store, tx, actor, "updated", 1, 1, LONG,
                                [{"field": "notes", "old": "", "new": LONG}])

    server.server.store.submit(fill)
    vic = await peers.signed_in("vic")
    entries = await _page_all(vic, "activity.query", {}, "entries")
    assert len(entries) >= 300


async def test_attack_300_announcements_of_5000_characters_still_load_in_the_notification_center(
        server: EmbeddedServer, peers: Peers, tmp_path: Path) -> None:
    """An admin's long announcements, kept undismissed for years, were all in the reply every
    desktop asks for at sign-in (1,000 of them): over a frame, so the link dropped and the
    center never loaded. Now the newest that fit come, with ``more`` and ``before_id``."""
    def announce(store: Store) -> None:
        for n in range(300):
            records.create(store, Recipients(roles=frozenset({"viewer"})),
                           Notice(f"Bulletin {n}", LONG[:5000], category="user"))

    server.server.store.submit(announce)
    vic = await peers.signed_in("vic")
    got = await pages(vic, "notification.query", {"limit": 1000}, "before_id")
    first = got[0][1]
    assert all(size < MAX_FRAME_BYTES for size, _ in got) and 0 < len(first["notifications"]) < 300
    assert first["more"] is True and first["before_id"] == first["notifications"][-1]["id"]
    titles = [n["title"] for _, page in got for n in page["notifications"]]
    assert titles == [f"Bulletin {n}" for n in reversed(range(300))]  # newest first, each once
    desktop = await signed_in_client(server.url, "vic", tmp_path / "pc")
    try:
        assert 0 < len(desktop.notifications.store) < 300
    finally:
        await desktop.close()


async def test_a_sync_replay_past_its_byte_bound_is_not_recovered(tmp_path: Path) -> None:
    server = start_server(tmp_path / "replay.db", limits=Limits(sync_replay_bytes=100_000))
    peers = Peers(server)
    try:
        ana = await peers.signed_in("ana")
        mark = await ana.ok("sync", {})
        since = {"epoch": mark["epoch"], "seq": mark["seq"]}
        await ana.ok("chat.send", {"room": "studio", "text": "short"})
        late = await peers.signed_in("vic", sync=False)
        assert (await late.ok("sync", {"since": since}))["recovered"] is True  # a small gap replays
        for _ in range(10):
            await ana.ok("chat.send", {"room": "studio", "text": LONG})
        later = await peers.signed_in("vic", sync=False)
        assert (await later.ok("sync", {"since": since}))["recovered"] is False
    finally:
        await peers.close()
        server.stop()


async def test_a_presence_flood_stores_at_most_one_event_a_second(
        server: EmbeddedServer, peers: Peers) -> None:
    vic = await peers.signed_in("vic")
    head = server.server.store.submit(Store.head_seq)
    for i in range(40):  # as fast as the rate limit allows, about 2 s of reports
        await vic.ok("presence.update", {"activity": "viewing", "day": f"2031-03-{1 + i % 28:02d}"})
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.2)  # the last coalesced report goes out
    with sqlite3.connect(server.db_path) as db:
        stored = db.execute("SELECT COUNT(*) FROM events WHERE seq > ? AND kind LIKE 'presence:%'",
                            (head,)).fetchone()[0]
    assert 1 <= stored <= 5


async def test_chat_text_is_stored_as_utf8_not_escapes(server: EmbeddedServer, peers: Peers) -> None:
    ana = await peers.signed_in("ana")
    await ana.ok("chat.send", {"room": "studio", "text": "Olá \N{SWAN}"})
    with sqlite3.connect(server.db_path) as db:
        data = db.execute("SELECT data FROM events WHERE kind = 'chat:posted' "
                          "ORDER BY seq DESC").fetchone()[0]
        reply = db.execute("SELECT reply FROM request_log ORDER BY created_at DESC").fetchone()[0]
    assert "Olá \N{SWAN}" in data and "\\u" not in data
    assert "Olá \N{SWAN}" in reply
