"""Chat (order, mentions, reactions, edits, system messages) and admin user actions."""

from __future__ import annotations

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.poll import until
from tests.support.server import Clients, RecordingNotifier, session_data

from .conftest import user_ids


async def test_messages_arrive_in_order_and_history_keeps_them(clients: Clients) -> None:
    ana, boss = await clients.signed_in("ana"), await clients.signed_in("boss")
    for i in range(5):
        await ana.ok("chat.send", {"room": "day:2031-03-03", "text": f"m{i}"})
    seen = [(await boss.event_of("chat:posted"))["data"]["message"]["text"] for _ in range(5)]
    assert seen == [f"m{i}" for i in range(5)]
    history = (await boss.ok("chat.history", {"room": "day:2031-03-03"}))["messages"]
    assert [m["text"] for m in history] == seen
    assert (await boss.ok("chat.history", {"room": "studio"}))["messages"] == []


async def test_a_mention_notifies_that_person(server: EmbeddedServer, clients: Clients,
                                              notifier: RecordingNotifier) -> None:
    ana = await clients.signed_in("ana")
    msg = (await ana.ok("chat.send", {"room": "studio", "text": "@boss can you take the 10:00?"}))["message"]
    ids = user_ids(server)
    assert msg["mentions"] == [ids["boss"]]
    await until(lambda: notifier.sent, what="the mention's notification")  # told after the commit
    (recipients, notice), = notifier.sent
    assert recipients.user_ids == frozenset({ids["boss"]})
    assert notice.category == "user" and notice.title == "Ana mentioned you"
    assert notice.links == {"message": msg["id"]}


async def test_reactions_edits_and_deletes_are_consistent_across_clients(
        server: EmbeddedServer, clients: Clients) -> None:
    ana, boss = await clients.signed_in("ana"), await clients.signed_in("boss")
    msg = (await ana.ok("chat.send", {"room": "studio", "text": "hello"}))["message"]
    await boss.ok("chat.react", {"id": msg["id"], "emoji": "👍"})
    await ana.ok("chat.react", {"id": msg["id"], "emoji": "👍"})
    await ana.ok("chat.react", {"id": msg["id"], "emoji": "🎉"})
    await ana.ok("chat.react", {"id": msg["id"], "emoji": "🎉", "on": False})
    last_seen_by_ana = None
    for _ in range(4):
        last_seen_by_ana = (await ana.event_of("chat:reacted"))["data"]["message"]["reactions"]
    stored = (await boss.ok("chat.history", {"room": "studio"}))["messages"][0]["reactions"]
    ids = user_ids(server)
    assert stored == {"👍": sorted([ids["ana"], ids["boss"]])}
    assert last_seen_by_ana == stored
    assert (await boss.error("chat.edit", {"id": msg["id"], "text": "not mine"}))["code"] == "forbidden"
    edited = (await ana.ok("chat.edit", {"id": msg["id"], "text": "hello all"}))["message"]
    assert edited["text"] == "hello all" and edited["edited_at"]
    gone = (await ana.ok("chat.delete", {"id": msg["id"]}))["message"]
    assert gone["deleted"] and gone["text"] == ""
    assert (await boss.event_of("chat:deleted"))["data"]["message"]["id"] == msg["id"]


async def test_viewers_read_chat_but_may_not_post_and_only_admins_announce(clients: Clients) -> None:
    vic, ana = await clients.signed_in("vic"), await clients.signed_in("ana")
    assert (await vic.error("chat.send", {"room": "studio", "text": "hi"}))["code"] == "forbidden"
    assert (await vic.ok("chat.history", {"room": "studio"}))["messages"] == []
    err = await ana.error("chat.send", {"room": "studio", "text": "hi", "kind": "announcement"})
    assert err["code"] == "forbidden"
    assert (await ana.error("chat.send", {"room": "kitchen", "text": "hi"}))["data"]["field"] == "room"


async def test_a_schedule_change_posts_a_system_message_in_the_days_room(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    session = (await boss.ok("session.create", session_data()))["session"]
    await boss.ok("session.update", {"id": session["id"], "version": 1, "changes": {
        "start": "2031-03-03T12:00:00Z", "end": "2031-03-03T13:00:00Z"}})
    (message,) = (await boss.event_of("session:updated"))["data"]["chat"]
    assert message["room"] == "day:2031-03-03" and message["kind"] == "system"
    assert message["text"].startswith(f"Boss moved {session['client_name']}'s ") and " to " in message["text"]
    history = (await boss.ok("chat.history", {"room": "day:2031-03-03"}))["messages"]
    assert [m["kind"] for m in history] == ["system", "system"] and history[1] == message


async def test_a_role_change_takes_effect_on_the_open_connection_at_once(
        server: EmbeddedServer, clients: Clients) -> None:
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    ids = user_ids(server)
    refused = await ana.error("studio.settings.set", {"conflict_strategy": "last-write-wins"})
    assert refused["code"] == "forbidden"
    await boss.ok("user.set_role", {"user_id": ids["ana"], "role": "admin"})
    await ana.ok("studio.settings.set", {"conflict_strategy": "last-write-wins"})
    await boss.ok("user.set_role", {"user_id": ids["ana"], "role": "viewer"})
    refused = await ana.error("session.create", session_data())  # now a viewer
    assert refused["code"] == "forbidden" and "viewer" in refused["message"]
    assert (await ana.event_of("user:updated"))["data"]["user"]["role"] == "admin"


async def test_attack_set_role_cannot_demote_the_last_active_admin(
        server: EmbeddedServer, clients: Clients) -> None:
    """With the other admin deactivated, ``user.set_role`` counted them still and let the one
    active admin lower their own role: a studio with no admin to sign in, mended only from the
    server's command line. It refuses as ``account.update`` does; the accounts stay as they were."""
    boss = await clients.signed_in("boss")
    ids = user_ids(server)
    await boss.ok("account.update", {"user_id": ids["admin"], "changes": {"active": False}})
    before = (await boss.ok("account.list"))["accounts"]
    for role in ("trainer", "viewer"):
        refused = await boss.error("user.set_role", {"user_id": ids["boss"], "role": role})
        assert refused["code"] == "conflict" and refused["data"]["reason"] == "last_admin"
        assert refused["message"] == "this is the last active admin account; make another admin first"
    assert (await boss.ok("account.list"))["accounts"] == before
    # Lowering the deactivated admin leaves the active admins as they are: allowed, as by account.update.
    await boss.ok("user.set_role", {"user_id": ids["admin"], "role": "viewer"})
    refused = await boss.error("user.set_role", {"user_id": ids["boss"], "role": "viewer"})
    assert refused["data"]["reason"] == "last_admin"


async def test_an_admin_disconnects_a_users_connections(server: EmbeddedServer, clients: Clients) -> None:
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    await ana.ok("presence.update", {"activity": "viewing"})
    closed = await boss.ok("user.disconnect", {"user_id": user_ids(server)["ana"]})
    assert closed == {"closed": 1, "revoked": False}
    left = await boss.event_of("presence:left")
    assert left["data"]["reason"] == "disconnected"
    await ana.ws.wait_closed()
    assert ana.ws.close_code == 4000


async def test_attack_a_message_cannot_gather_endless_different_reactions(clients: Clients) -> None:
    """Each reaction sends the whole message to every desktop: a trainer reacting with thousands of
    different 16-character "emoji" grew the message, and every event about it, past the frame a
    desktop accepts. A message has at most ``MAX_REACTIONS`` different ones; joining one still works."""
    from swan_desktop.server.collab.chat import MAX_REACTIONS

    ana, boss = await clients.signed_in("ana"), await clients.signed_in("boss")
    msg = (await ana.ok("chat.send", {"room": "studio", "text": "hello"}))["message"]
    for n in range(MAX_REACTIONS):
        await ana.ok("chat.react", {"id": msg["id"], "emoji": f"{n:016d}"})
    error = await ana.error("chat.react", {"id": msg["id"], "emoji": "x" * 16})
    assert error["code"] == "invalid" and error["data"]["field"] == "emoji"
    joined = (await boss.ok("chat.react", {"id": msg["id"], "emoji": f"{0:016d}"}))["message"]
    assert len(joined["reactions"]) == MAX_REACTIONS and len(joined["reactions"][f"{0:016d}"]) == 2
    await ana.ok("chat.react", {"id": msg["id"], "emoji": f"{1:016d}", "on": False})
    again = (await ana.ok("chat.react", {"id": msg["id"], "emoji": "👍"}))["message"]
    assert len(again["reactions"]) == MAX_REACTIONS, "the place one left is free again"
