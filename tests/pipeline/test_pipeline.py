"""The one mutation pipeline, driven through a real server: registration, typed messages, hooks
in one transaction, nested changes and reactions after the commit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from swan_desktop.protocol.errors import ErrorCode, ProtocolError
from swan_desktop.protocol.messages import Empty
from swan_desktop.protocol.timefmt import parse_ts
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.pipeline import Change, Stage
from swan_desktop.server.store import Store
from tests.support.server import on_server, session_data, start_notifications_server

#: A field no request type has: every registered type must refuse it by name.
POISON = "no_such_field_anywhere"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_notifications_server(tmp_path / "swan.db")
    yield srv
    srv.stop()


async def test_every_registered_request_type_refuses_an_unknown_field_by_name(server, clients) -> None:
    boss = await clients.signed_in("boss")
    types = sorted(server.server.dispatcher.types - {"authenticate"})
    assert {"session.update", "chat.send", "availability.set", "notification.mark",
            "monitor.history"} <= set(types)
    for rtype in types:
        error = await boss.error(rtype, {POISON: 1})
        assert error["code"] == "invalid", rtype
        assert error["data"]["fields"] == [POISON], rtype


async def test_a_type_registered_twice_is_refused(server) -> None:
    dispatcher = server.server.dispatcher

    async def answer(conn, msg):
        return {}

    with pytest.raises(ValueError, match="already handled"):
        dispatcher.register("chat.send", Empty, answer)
    with pytest.raises(ValueError, match="already handled"):
        dispatcher.mutation("session.update", Empty)


async def test_a_refusal_after_the_write_leaves_no_row_no_event_and_no_activity(server, clients) -> None:
    boss = await clients.signed_in("boss")
    watcher = await clients.signed_in("vic")

    def refuse(change: Change) -> None:
        if change.after is not None and change.after.notes == "refuse me":
            raise ProtocolError(ErrorCode.CONFLICT, "refused after the write", {"reason": "test"})

    server.server.pipeline.hook("session.create", Stage.AFTER_WRITE, refuse, 99)
    before = server.server.store.submit(Store.count, "sessions")
    error = await boss.error("session.create", session_data(notes="refuse me"))
    assert error["message"] == "refused after the write"
    assert server.server.store.submit(Store.count, "sessions") == before
    activity = await boss.ok("activity.query", {})
    assert not [e for e in activity["entries"] if e["kind"] == "created"]
    made = await boss.ok("session.create", session_data(notes="fine"))
    event = await watcher.next_event()  # the refused change left no event before this one
    assert event["kind"] == "session:created" and event["data"]["session"]["id"] == made["session"]["id"]
    assert [a["kind"] for a in event["data"]["activity"]] == ["created"]


async def test_confirming_from_a_notification_is_a_session_update_like_any_other(server, clients) -> None:
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    session = (await boss.ok("session.create", session_data()))["session"]
    service = server.server.notifications
    service.clock = lambda: parse_ts(session["start"]) - timedelta(hours=5)
    await on_server(server, service.scan_unconfirmed)
    note = await ana.notification_created("Session not confirmed")
    await boss.ok("lock.acquire", {"session_id": session["id"]})
    confirm = {"id": note["id"], "action": "confirm_session", "confirm": True}
    error = await ana.error("notification.action", confirm)
    assert error["code"] == "locked"  # the lock holds against a notification's button too
    await boss.ok("lock.release", {"session_id": session["id"],
                                   "token": (await boss.ok("lock.query"))["locks"][0]["token"]})
    reply = await ana.ok("notification.action", confirm)
    assert reply["session"]["status"] == "confirmed"
    feed = (await boss.ok("activity.query", {"kind": "updated"}))["entries"]
    assert feed[0]["session_id"] == session["id"] and feed[0]["actor"]["name"] == "Ana"


async def test_a_replayed_chat_message_mentions_nobody_twice(server, clients) -> None:
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    first = await boss.ok("chat.send", {"room": "studio", "text": "@ana the 10:00 moved"}, rid="m-1")
    await ana.notification_created("Boss mentioned you")
    again = await boss.ok("chat.send", {"room": "studio", "text": "@ana the 10:00 moved"}, rid="m-1")
    assert again == first
    await on_server(server, server.server.notifications.idle)
    titles = [n["title"] for n in (await ana.ok("notification.query", {}))["notifications"]]
    assert titles.count("Boss mentioned you") == 1
