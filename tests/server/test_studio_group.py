"""A studio group: several server instances on one PostgreSQL database, one event stream.

Every desktop, whichever instance it is connected to, receives every event of
every instance once, in one ``seq`` order with no gaps, and a ``sync`` resumes
on another instance. Needs the throwaway cluster of ``.ci/pg-cluster``
(``SWAN_TEST_PG_URL``); skipped without it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from swan_desktop.server.app import SwanServer
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support import pg
from tests.support.server import FAST_HASHER, WAIT, WsClient, add_users, on_server, session_data

pytestmark = [
    pytest.mark.skipif(not pg.enabled(), reason="no PostgreSQL cluster, or SWAN_TEST_PG=off"),
    pytest.mark.own_database,
]

WRITERS_PER_INSTANCE = 3
CHANGES_PER_WRITER = 6
WATCHERS_PER_INSTANCE = 3


@pytest.fixture
def group(tmp_path: Path) -> Iterator[list[EmbeddedServer]]:
    url = pg.database_for(tmp_path / "group")
    servers: list[EmbeddedServer] = []
    try:
        first = EmbeddedServer(url, demo=True, hasher=FAST_HASHER)
        first.start()
        servers.append(first)
        add_users(first)
        second = EmbeddedServer(url, demo=False, hasher=FAST_HASHER)
        second.start()
        servers.append(second)
        yield servers
    finally:
        for server in servers:
            server.stop()
        pg.drop_all()


async def _client(server: EmbeddedServer,
                  since: dict[str, Any] | None = None) -> tuple[WsClient, dict[str, Any]]:
    ws = await connect(server.url, open_timeout=WAIT, close_timeout=2)
    client = WsClient(ws)
    await client.login("boss")
    synced = await client.ok("sync", {"since": since} if since else {})
    return client, synced


async def _collect(client: WsClient, into: list[int]) -> None:
    """Every event's seq, in arrival order, until cancelled."""
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            event = await client.next_event(timeout=30)
            into.append(int(event["seq"]))


async def _write(client: WsClient, writer: int) -> int:
    done = 0
    for i in range(CHANGES_PER_WRITER):
        day = 1 + (writer * CHANGES_PER_WRITER + i) % 27
        hour = 6 + (writer * CHANGES_PER_WRITER + i) // 27
        reply = await client.request("session.create", session_data(
            start=f"2032-01-{day:02d}T{hour:02d}:00:00Z", end=f"2032-01-{day:02d}T{hour:02d}:30:00Z",
            trainer_id=1 + writer % 3))
        done += bool(reply["ok"])
    return done


def _all_and_visible_seqs(store: Store, after: int, user_id: int) -> tuple[list[int], list[int]]:
    stored = store.events_between(after, store.head_seq())
    return [e.event.seq for e in stored], [e.event.seq for e in stored if e.visible_to(user_id)]


async def test_every_desktop_sees_every_instances_events_once_in_seq_order(group) -> None:
    watchers = [await _client(server) for server in group for _ in range(WATCHERS_PER_INSTANCE)]
    start = min(int(synced["seq"]) for _, synced in watchers)
    writers = [(await _client(group[w % 2]))[0] for w in range(2 * WRITERS_PER_INSTANCE)]
    seen: list[list[int]] = [[] for _ in watchers]
    tasks = [asyncio.ensure_future(_collect(client, seen[i])) for i, (client, _) in enumerate(watchers)]
    try:
        async with asyncio.timeout(90):
            written = await asyncio.gather(*(_write(client, w) for w, client in enumerate(writers)))
        assert sum(written) > 0
        boss = group[0].server.store.submit(Store.account_by_username, "boss")
        stored, expected = group[0].server.store.submit(_all_and_visible_seqs, start, boss.id)
        for _ in range(600):
            if all(s and s[-1] >= expected[-1] for s in seen):
                break
            await asyncio.sleep(0.05)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client, _ in watchers:
            await client.ws.close()
        for client in writers:
            await client.ws.close()
    assert stored == list(range(stored[0], stored[-1] + 1)), "seq has gaps in the events table"
    for i, got in enumerate(seen):
        assert got[: len(expected)] == expected, f"watcher {i} (instance {i // WATCHERS_PER_INSTANCE})"
    # Watchers on both instances saw every event: each instance delivered the other's, whether its
    # follower woke for them or its own next commit handed them over first (group commit makes
    # the second common), so the follower's own count is not asserted.


async def test_a_sync_resumes_on_another_instance(group) -> None:
    first, second = group
    client, synced = await _client(first)
    since = {"epoch": synced["epoch"], "seq": synced["seq"]}
    await client.ws.close()
    writer, _ = await _client(first)
    made = [await writer.ok("session.create", session_data(start=f"2033-02-0{d}T10:00:00Z",
                                                           end=f"2033-02-0{d}T11:00:00Z")) for d in (1, 2, 3)]
    await writer.ws.close()
    again, resumed = await _client(second, since)
    try:
        assert resumed["recovered"] is True and resumed["epoch"] == since["epoch"]
        replay: list[dict[str, Any]] = []
        while len(replay) < len(made):
            event = await again.next_event()
            if event["kind"] == "session:created":
                replay.append(event)
        assert replay[0]["seq"] > since["seq"]
        assert [e["data"]["session"]["id"] for e in replay] == [m["session"]["id"] for m in made]
    finally:
        await again.ws.close()




async def test_a_chat_mention_through_one_instance_notifies_once_on_the_other(group) -> None:
    first, second = group
    boss, _ = await _client(second)
    ana_ws = await connect(first.url, open_timeout=WAIT, close_timeout=2)
    ana = WsClient(ana_ws)
    try:
        await ana.login("ana")
        text = "@boss can you take the 10:00?"
        sent = (await ana.ok("chat.send", {"room": "studio", "text": text}))["message"]
        posted = await boss.event_of("chat:posted")
        assert posted["data"]["message"]["id"] == sent["id"]
        note = await boss.notification_created("Ana mentioned you")
        assert note["links"] == {"message": sent["id"]}
        for server in group:  # every reaction either instance started is done
            await on_server(server, server.server.dispatcher.settle)
        listed = (await boss.ok("notification.query", {"category": "user"}))["notifications"]
        assert [n["title"] for n in listed].count("Ana mentioned you") == 1, "one instance reacted"
    finally:
        await ana_ws.close()
        await boss.ws.close()


def test_file_backups_are_refused_on_postgresql_in_words(tmp_path: Path) -> None:
    """Backups of a studio group are one pg_dump of the database, not a copy per instance."""
    url = pg.database_for(tmp_path / "backups")
    try:
        with pytest.raises(ValueError, match="pg_dump"):
            SwanServer(url, backup_dir=tmp_path / "copies")
    finally:
        pg.drop_all()
    assert not (tmp_path / "copies").exists()


def test_the_database_password_is_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = pg.database_for(tmp_path / "secret").replace("postgresql://postgres@", "postgresql://postgres:Pa55-top-secret@")
    caplog.set_level("DEBUG")
    server = EmbeddedServer(url, demo=True, hasher=FAST_HASHER)
    try:
        server.start()
        assert server.server.db_name.startswith("postgresql://postgres:***@")
    finally:
        server.stop()
        pg.drop_all()
    assert "listening on" in caplog.text and "Pa55-top-secret" not in caplog.text
