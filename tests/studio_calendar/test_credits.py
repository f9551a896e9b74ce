"""The booking workflow on the server: status moves, check-in, and credits spent exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from swan_desktop.protocol.timefmt import format_ts
from tests.support.server import Clients, session_data

from .conftest import client_credits


async def _booked(client: Clients, **overrides: object) -> dict:
    boss = await client.signed_in("boss")
    return (await boss.ok("session.create", session_data(client_id=5, **overrides)))["session"]


async def test_two_people_completing_the_same_session_at_once_spend_its_credits_once(
        clients: Clients) -> None:
    session = await _booked(clients)
    ana, boss = await clients.signed_in("ana"), await clients.signed_in("boss")
    before = await client_credits(boss, 5)
    change = {"id": session["id"], "version": session["version"], "changes": {"status": "completed"}}
    replies = await asyncio.gather(ana.request("session.update", change),
                                   boss.request("session.update", change))
    assert any(r["ok"] for r in replies)
    assert await client_credits(boss, 5) == before - 1
    # a retry under a new request id changes nothing either
    span = {"start": session["start"], "end": session["end"]}
    current = (await boss.ok("schedule.query", span))["sessions"]
    done = next(s for s in current if s["id"] == session["id"])
    assert done["status"] == "completed"
    await boss.request("session.update", {**change, "version": done["version"]})
    assert await client_credits(boss, 5) == before - 1


async def test_a_repeated_request_id_does_not_spend_credits_twice(clients: Clients) -> None:
    session = await _booked(clients)
    boss = await clients.signed_in("boss")
    before = await client_credits(boss, 5)
    change = {"id": session["id"], "version": session["version"], "changes": {"status": "completed"}}
    first = await boss.request("session.update", change, rid="complete-1")
    again = await boss.request("session.update", change, rid="complete-1")
    assert first["ok"] and again == {**first, "re": "complete-1"}
    assert await client_credits(boss, 5) == before - 1


async def test_completing_announces_the_clients_new_credits(clients: Clients) -> None:
    session = await _booked(clients)
    watcher, boss = await clients.signed_in("vic"), await clients.signed_in("boss")
    before = await client_credits(boss, 5)
    await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                     "changes": {"status": "completed"}})
    while (event := await watcher.next_event())["kind"] != "allocation:updated":
        pass
    assert event["data"]["client"]["id"] == 5
    assert event["data"]["client"]["credits"] == before - 1
    assert event["data"]["change"] == -1 and event["data"]["session_id"] == session["id"]


async def test_cancelling_before_the_policy_window_gives_credits_back(clients: Clients) -> None:
    session = await _booked(clients)  # 2031: far outside the 24 h window
    boss = await clients.signed_in("boss")
    before = await client_credits(boss, 5)
    done = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                             "changes": {"status": "completed"}}))["session"]
    await boss.ok("session.update", {"id": done["id"], "version": done["version"],
                                     "changes": {"status": "cancelled", "cancel_reason": "a mistake"}})
    assert await client_credits(boss, 5) == before


async def test_correcting_the_client_of_a_completed_session_moves_its_charge(clients: Clients) -> None:
    """Completed for client 5, then corrected to client 6: 5 gets the credit back and 6 spends it;
    cancelled in time after that, 6 gets it back (nobody is charged for it any more)."""
    session = await _booked(clients)
    boss = await clients.signed_in("boss")
    was, now = await client_credits(boss, 5), await client_credits(boss, 6)
    done = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                             "changes": {"status": "completed"}}))["session"]
    fixed = (await boss.ok("session.update", {"id": done["id"], "version": done["version"],
                                              "changes": {"client_id": 6}}))["session"]
    assert (await client_credits(boss, 5), await client_credits(boss, 6)) == (was, now - 1)
    await boss.ok("session.update", {"id": fixed["id"], "version": fixed["version"],
                                     "changes": {"status": "cancelled", "cancel_reason": "a mistake"}})
    assert (await client_credits(boss, 5), await client_credits(boss, 6)) == (was, now)


async def test_a_completed_session_deleted_gives_its_credit_back(clients: Clients) -> None:
    session = await _booked(clients)
    boss = await clients.signed_in("boss")
    before = await client_credits(boss, 5)
    done = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                             "changes": {"status": "completed"}}))["session"]
    assert await client_credits(boss, 5) == before - 1
    await boss.ok("session.delete", {"id": done["id"], "version": done["version"]})
    assert await client_credits(boss, 5) == before
    newest = (await boss.ok("credits.ledger", {"client_id": 5}))["entries"][0]
    assert (newest["reason"], newest["delta"], newest["note"]) == ("refund", 1, "the session was deleted")
    # Edit ▸ Undo books it again as it was (the fields qt/undo.py's EDITABLE names): completed, so
    # the credit is spent again.
    fields = ("start", "end", "trainer_id", "client_id", "client_name", "location", "session_type_id",
              "status", "notes", "cancel_reason")
    await boss.ok("session.create", {f: done[f] for f in fields})
    assert await client_credits(boss, 5) == before - 1


async def test_cancelling_inside_the_policy_window_keeps_the_credits_spent(clients: Clients) -> None:
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    session = await _booked(clients, start=format_ts(soon), end=format_ts(soon + timedelta(hours=1)),
                            location="Rooftop", allow_overlap=True)  # the demo day is busy; not under test
    boss = await clients.signed_in("boss")
    before = await client_credits(boss, 5)
    done = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                             "changes": {"status": "completed"}}))["session"]
    await boss.ok("session.update", {"id": done["id"], "version": done["version"],
                                     "changes": {"status": "cancelled", "cancel_reason": "late"}})
    assert await client_credits(boss, 5) == before - 1


async def test_a_session_entered_again_after_a_completed_one_was_deleted_is_charged_again(
        clients: Clients) -> None:
    """The desk completes a session, sees it was entered wrong, deletes it and enters it again:
    the new one is a new session (its own id) and completing it charges the client. On SQLite the
    new session used to take the deleted one's id and, its ledger row being there, was free."""
    boss = await clients.signed_in("boss")
    first = await _booked(clients)
    done = (await boss.ok("session.update", {"id": first["id"], "version": first["version"],
                                             "changes": {"status": "completed"}}))["session"]
    await boss.ok("session.delete", {"id": done["id"], "version": done["version"]})
    before = await client_credits(boss, 5)
    again = await _booked(clients, start="2031-03-03T12:00:00Z", end="2031-03-03T13:00:00Z")
    assert again["id"] > first["id"]
    await boss.ok("session.update", {"id": again["id"], "version": again["version"],
                                     "changes": {"status": "completed"}})
    assert await client_credits(boss, 5) == before - 1
    ledger = (await boss.ok("client.get", {"id": 5}))["ledger"]
    charged = [(e["reason"], e["session_id"]) for e in ledger if e["reason"] == "completion"]
    assert sorted(charged) == sorted([("completion", first["id"]), ("completion", again["id"])])


async def test_an_admin_may_give_the_credit_back_inside_the_window_and_a_trainer_may_not(
        clients: Clients) -> None:
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    session = await _booked(clients, start=format_ts(soon), end=format_ts(soon + timedelta(hours=1)),
                            location="Rooftop", allow_overlap=True)
    boss = await clients.signed_in("boss")
    ana = await clients.signed_in("ana")
    before = await client_credits(boss, 5)
    done = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                             "changes": {"status": "completed"}}))["session"]
    cancel = {"id": done["id"], "version": done["version"], "restore_credit": True,
              "changes": {"status": "cancelled", "cancel_reason": "studio flooded"}}
    refused = await ana.error("session.update", cancel)
    assert refused["code"] == "forbidden" and "only an admin" in refused["message"]
    await boss.ok("session.update", cancel)
    assert await client_credits(boss, 5) == before


async def test_an_impossible_status_move_is_refused_in_words(clients: Clients) -> None:
    session = await _booked(clients, status="available")
    boss = await clients.signed_in("boss")
    error = await boss.error("session.update", {"id": session["id"], "version": session["version"],
                                                "changes": {"status": "completed"}})
    assert error["code"] == "invalid"
    assert error["message"].startswith("an available session cannot become completed; it can become ")


async def test_check_in_records_attendance_and_time_on_the_session(clients: Clients) -> None:
    session = await _booked(clients)
    ana = await clients.signed_in("ana")
    reply = await ana.ok("session.checkin", {"id": session["id"], "attendance": "late",
                                             "at": "2031-03-03T10:07:00Z"})
    assert reply["session"]["attendance"] == "late"
    assert reply["session"]["checked_in_at"] == "2031-03-03T10:07:00Z"
    assert reply["session"]["version"] == session["version"] + 1
    error = await ana.error("session.checkin", {"id": session["id"], "attendance": "asleep"})
    assert error["code"] == "invalid" and "present, late, no_show" in error["message"]
