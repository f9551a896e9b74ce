"""notification.* requests: state per recipient shared by all of one user's PCs, actions, announcements."""

from __future__ import annotations

from datetime import timedelta

from swan_desktop.protocol.timefmt import parse_ts
from tests.support.server import on_server, session_data

CONFIRM = {"action": "confirm_session", "confirm": True}


async def _booked_for_ana(clients):
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    s = (await boss.ok("session.create", session_data()))["session"]
    return ana, boss, s, await ana.notification_created("Session booked")


async def test_marking_on_one_pc_reaches_the_users_other_pc_and_nobody_else(server, clients) -> None:
    ana1, _boss, _, note = await _booked_for_ana(clients)
    ana2 = await clients.signed_in("ana")
    reply = await ana1.ok("notification.mark", {"ids": [note["id"]], "op": "acknowledge"})
    assert reply == {"updated": [note["id"]]}
    event = await ana2.next_event()
    assert event["kind"] == "notification:updated"
    updated = event["data"]["notification"]
    assert updated["acknowledged_at"] is not None and updated["read_at"] is not None
    state = await ana2.ok("notification.query", {})
    assert state["unread"] == 0 and state["notifications"][0]["acknowledged_at"] is not None
    again = await ana1.ok("notification.mark", {"ids": [note["id"]], "op": "acknowledge"})
    assert again == {"updated": []}


async def test_unread_read_dismiss_and_filters(server, clients) -> None:
    ana, boss, s, note = await _booked_for_ana(clients)
    await boss.ok("session.update", {"id": s["id"], "version": s["version"],
                                     "changes": {"status": "cancelled"}})
    cancel = await ana.notification_created("Session cancelled")
    everything = await ana.ok("notification.query", {})
    assert [n["id"] for n in everything["notifications"]] == [cancel["id"], note["id"]]
    assert everything["unread"] == 2
    assert [n["id"] for n in (await ana.ok("notification.query", {"priority": "high"}))["notifications"]] \
        == [cancel["id"]]
    await ana.ok("notification.mark", {"ids": [note["id"], cancel["id"]], "op": "read"})
    assert (await ana.ok("notification.query", {"unread_only": True}))["notifications"] == []
    await ana.ok("notification.mark", {"ids": [note["id"]], "op": "unread"})
    assert (await ana.ok("notification.query", {}))["unread"] == 1
    await ana.ok("notification.mark", {"ids": [cancel["id"]], "op": "dismiss"})
    assert [n["id"] for n in (await ana.ok("notification.query", {}))["notifications"]] == [note["id"]]
    kept = await ana.ok("notification.query", {"include_dismissed": True})
    assert len(kept["notifications"]) == 2
    later = parse_ts(note["created_at"]) + timedelta(days=1)
    assert (await ana.ok("notification.query", {"since": later.isoformat().replace("+00:00", "Z")})
            )["notifications"] == []


async def test_nobody_marks_or_reads_another_users_notifications(server, clients) -> None:
    ana, _boss, _, note = await _booked_for_ana(clients)
    vic = await clients.signed_in("vic")
    err = await vic.error("notification.mark", {"ids": [note["id"]], "op": "read"})
    assert err["code"] == "not_found"
    assert (await vic.ok("notification.query", {}))["notifications"] == []
    assert (await vic.error("notification.mark", {"ids": [], "op": "read"}))["code"] == "invalid"
    assert (await ana.error("notification.mark", {"ids": [note["id"]], "op": "shred"}))["code"] == "invalid"
    assert (await ana.error("notification.query", {"category": "gossip"}))["code"] == "invalid"


async def test_confirm_session_needs_confirmation_and_is_carried_out_by_the_server(server, clients) -> None:
    ana, boss, s, _ = await _booked_for_ana(clients)
    service = server.server.notifications
    service.clock = lambda: parse_ts(s["start"]) - timedelta(hours=5)
    await on_server(server, service.scan_unconfirmed)
    note = await ana.notification_created("Session not confirmed")
    err = await ana.error("notification.action", {"id": note["id"], "action": "confirm_session"})
    assert err["code"] == "invalid" and err["data"]["reason"] == "confirm_required"
    reply = await ana.ok("notification.action", CONFIRM | {"id": note["id"]},
                         rid="confirm-1")
    assert reply["session"]["status"] == "confirmed" and reply["session"]["version"] == s["version"] + 1
    kinds = []
    while "session:confirmed" not in kinds:
        kinds.append((await boss.next_event())["kind"])
    acked = (await ana.ok("notification.query", {}))["notifications"]
    assert next(n for n in acked if n["id"] == note["id"])["acknowledged_at"] is not None
    replay = await ana.ok("notification.action", CONFIRM | {"id": note["id"]},
                          rid="confirm-1")
    assert replay == reply


async def test_open_session_answers_with_the_session_to_open(server, clients) -> None:
    ana, _, s, note = await _booked_for_ana(clients)
    reply = await ana.ok("notification.action", {"id": note["id"], "action": "open_session"})
    assert reply == {"open": {"session": s["id"], "start": s["start"]}}
    err = await ana.error("notification.action", CONFIRM | {"id": note["id"]})
    assert err["code"] == "invalid"
    current = (await ana.ok("schedule.query", {"start": s["start"], "end": s["end"]}))["sessions"][0]
    await ana.ok("session.delete", {"id": s["id"], "version": current["version"]})
    gone = await ana.ok("notification.action", {"id": note["id"], "action": "open_session"})
    assert gone == {"open": {"session": s["id"], "start": None}}


async def test_announcements_are_for_admins_to_send_to_everyone_or_a_role(server, clients) -> None:
    ana = await clients.signed_in("ana")
    vic = await clients.signed_in("vic")
    boss = await clients.signed_in("boss")
    assert (await ana.error("notification.announce", {"title": "Hi", "message": "x"}))["code"] == "forbidden"
    await boss.ok("notification.announce",
                  {"title": "Trainers meeting", "message": "At 5", "role": "trainer"})
    assert (await ana.notification_created("Trainers meeting"))["category"] == "user"
    await boss.ok("notification.announce", {"title": "Closed Monday", "message": "Holiday",
                                            "priority": "high"})
    assert (await vic.notification_created("Closed Monday"))["actions"][0]["id"] == "acknowledge"
    seen = (await vic.ok("notification.query", {}))["notifications"]
    assert [n["title"] for n in seen] == ["Closed Monday"]
    assert (await boss.error("notification.announce", {"title": "", "message": "x"}))["code"] == "invalid"


async def test_preferences_are_per_user_and_validated(server, clients) -> None:
    ana = await clients.signed_in("ana")
    assert (await ana.ok("notification.prefs.get"))["prefs"]["email_opt_in"] is False
    prefs = (await ana.ok("notification.prefs.set", {"email_opt_in": True,
                                                     "min_priority": "normal"}))["prefs"]
    assert prefs == {"email": "", "email_opt_in": True, "min_priority": "normal", "digest": True,
                     "pending_email": "", "code_until": None}
    assert (await ana.error("notification.prefs.set", {"min_priority": "urgent"}))["code"] == "invalid"
    assert (await ana.error("notification.prefs.set", {"email": "nope"}))["code"] == "invalid"
    boss = await clients.signed_in("boss")
    assert (await boss.ok("notification.prefs.get"))["prefs"]["email"] == ""


async def test_a_notification_made_while_a_pc_was_away_arrives_on_resume(server, clients) -> None:
    ana = await clients.signed_in("ana")
    hello = await ana.ok("authenticate", {"username": "ana", "password": "ana-secret"})
    epoch, seq = hello["epoch"], hello["seq"]
    await ana.ws.close()
    boss = await clients.signed_in("boss")
    await boss.ok("session.create", session_data())
    await on_server(server, server.server.notifications.idle)
    back = await clients.open()
    await back.login("ana")
    assert (await back.ok("sync", {"since": {"epoch": epoch, "seq": seq}}))["recovered"] is True
    assert (await back.notification_created("Session booked"))["links"]["session"]
