"""Directory, schedule queries and session create/update/delete with their events."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.server import Clients, session_data, start_server


async def test_directory_query_lists_trainers_clients_types_and_locations(clients: Clients) -> None:
    client = await clients.signed_in("vic")
    data = await client.ok("directory.query", {})
    assert len(data["trainers"]) >= 4 and len(data["clients"]) == 30
    assert {t["name"] for t in data["session_types"]} >= {"Personal Training"}
    assert [loc["name"] for loc in data["locations"]] == ["Studio A", "Studio B"]
    assert set(data["trainers"][0]) == {"id", "name", "specialties", "color", "hours", "active", "user_id",
                                        "time_off"}
    assert set(data["locations"][0]) == {"id", "name", "capacity", "sessions_at_once", "active"}
    assert set(data["session_types"][0]) == {"id", "name", "duration_min", "color", "credits", "active",
                                             "capacity"}
    assert set(data["studio"]) == {"name", "timezone", "opening_hours", "setup_complete"}


async def test_schedule_query_returns_only_sessions_overlapping_the_range(clients: Clients) -> None:
    writer = await clients.signed_in("ana")
    inside = (await writer.ok("session.create", session_data()))["session"]
    await writer.ok("session.create", session_data(start="2031-03-05T10:00:00Z", end="2031-03-05T11:00:00Z"))
    data = await writer.ok("schedule.query", {"start": "2031-03-03T10:30:00Z", "end": "2031-03-04T00:00:00Z"})
    assert data["sessions"] == [inside]
    by_trainer = await writer.ok(
        "schedule.query", {"start": "2031-03-01T00:00:00Z", "end": "2031-03-08T00:00:00Z", "trainer_id": 2}
    )
    assert by_trainer["sessions"] == []


async def test_schedule_query_refuses_a_range_ending_before_it_starts(clients: Clients) -> None:
    client = await clients.signed_in("vic")
    err = await client.error(
        "schedule.query", {"start": "2031-03-03T10:00:00Z", "end": "2031-03-02T10:00:00Z"}
    )
    assert err["code"] == "invalid" and "end" in err["message"]


async def test_create_update_delete_reach_a_second_client_in_order(clients: Clients) -> None:
    writer = await clients.signed_in("ana")
    watcher = await clients.signed_in("vic")
    created = (await writer.ok("session.create", session_data(client_name="")))["session"]
    assert created["version"] == 1 and created["client_name"]  # filled from the client
    updated = (
        await writer.ok(
            "session.update",
            {"id": created["id"], "version": 1, "changes": {"status": "confirmed", "notes": "hi"}},
        )
    )["session"]
    assert updated["version"] == 2 and updated["status"] == "confirmed"
    assert await writer.ok("session.delete", {"id": created["id"], "version": 2}) == {}
    events = [await watcher.next_event() for _ in range(4)]
    assert [e["kind"] for e in events] == [
        "session:created",
        "session:updated",
        "session:confirmed",
        "session:deleted",
    ]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    # Collaboration adds the old values, the activity entries and the system chat lines.
    assert events[1]["data"]["session"] == updated
    assert events[1]["data"]["changes"] == {"status": "confirmed", "notes": "hi"}
    assert events[1]["data"]["previous"] == {"status": "scheduled", "notes": ""}
    assert events[2]["data"] == {"session": updated}
    assert events[3]["data"]["id"] == created["id"]
    assert events[0]["actor"] == {"id": events[0]["actor"]["id"], "name": "Ana"}


@pytest.mark.parametrize(
    ("status", "kind"),
    [("requested", "session:booked"), ("cancelled", "session:cancelled"), ("completed", "session:completed")],
)
async def test_status_moves_raise_their_own_event(clients: Clients, status: str, kind: str) -> None:
    writer = await clients.signed_in("ana")
    created = (await writer.ok("session.create", session_data()))["session"]
    changes = {"status": status} | ({"cancel_reason": "ill"} if status == "cancelled" else {})
    await writer.ok("session.update", {"id": created["id"], "version": 1, "changes": changes})
    kinds = [(await writer.next_event())["kind"] for _ in range(3)]
    assert kinds == ["session:created", "session:updated", kind]


@pytest.mark.parametrize(
    ("rtype", "data"),
    [
        ("session.create", session_data()),
        ("session.update", {"id": 1, "version": 1, "changes": {"notes": "x"}}),
        ("session.delete", {"id": 1, "version": 1}),
    ],
)
async def test_viewer_may_not_send_any_mutating_request(clients: Clients, rtype: str, data: dict) -> None:
    viewer = await clients.signed_in("vic")
    err = await viewer.error(rtype, data)
    assert err["code"] == "forbidden"
    assert rtype in err["message"]


async def test_double_booking_is_refused_naming_the_clash(clients: Clients) -> None:
    writer = await clients.signed_in("ana")
    first = (await writer.ok("session.create", session_data()))["session"]
    err = await writer.error(
        "session.create", session_data(start="2031-03-03T10:30:00Z", end="2031-03-03T11:30:00Z", location="")
    )
    assert err["code"] == "conflict"
    data = err["data"]
    assert data["reason"] == "schedule:conflict" and data["conflict"] == "double-booking"
    assert data["severity"] == "high"
    assert data["clashes"] == [first]
    assert "Ana Ribeiro" in data["message"] and "10:00" in data["message"]


async def test_room_overlap_is_refused_as_time_overlap(clients: Clients) -> None:
    writer = await clients.signed_in("ana")
    await writer.ok("session.create", session_data())
    err = await writer.error("session.create", session_data(trainer_id=2))
    assert err["data"]["conflict"] == "time-overlap"
    assert "Studio A" in err["message"]


async def test_admin_may_book_over_a_clash_with_allow_overlap(clients: Clients) -> None:
    admin = await clients.signed_in("boss")
    await admin.ok("session.create", session_data())
    again = await admin.ok("session.create", session_data(allow_overlap=True))
    assert again["session"]["start"] == "2031-03-03T10:00:00Z"


async def test_trainer_may_not_book_over_a_clash_even_with_allow_overlap(clients: Clients) -> None:
    trainer = await clients.signed_in("ana")
    await trainer.ok("session.create", session_data())
    err = await trainer.error("session.create", session_data(allow_overlap=True))
    assert err["code"] == "conflict" and "admin" in err["message"]


async def test_stale_version_conflict_carries_the_current_session(clients: Clients) -> None:
    writer = await clients.signed_in("ana")
    created = (await writer.ok("session.create", session_data()))["session"]
    moved = (
        await writer.ok("session.update", {"id": created["id"], "version": 1, "changes": {"notes": "a"}})
    )["session"]
    err = await writer.error("session.update", {"id": created["id"], "version": 1, "changes": {"notes": "b"}})
    assert err["code"] == "conflict"
    # The same field changed by both cannot be merged (the default strategy is auto-merge).
    assert (err["data"]["reason"], err["data"]["current"], err["data"]["fields"]) == (
        "stale_version", moved, ["notes"])
    err = await writer.error("session.delete", {"id": created["id"], "version": 1})
    assert err["data"]["current"] == moved


async def test_unknown_references_are_not_found_naming_the_field(clients: Clients) -> None:
    writer = await clients.signed_in("ana")
    err = await writer.error("session.create", session_data(trainer_id=999))
    assert err["code"] == "not_found" and "trainer_id" in err["message"]
    err = await writer.error("session.create", session_data(session_type_id=999))
    assert err["code"] == "not_found" and "session_type_id" in err["message"]
    err = await writer.error("session.update", {"id": 999_999, "version": 1, "changes": {"notes": "x"}})
    assert err["code"] == "not_found"


async def test_unknown_session_fields_are_refused_by_name(clients: Clients) -> None:
    writer = await clients.signed_in("ana")
    err = await writer.error("session.create", session_data(colour="red"))
    assert err["code"] == "invalid" and "colour" in err["message"]


async def test_repeated_request_id_returns_the_same_reply_and_changes_nothing(clients: Clients) -> None:
    writer = await clients.signed_in("ana")
    first = await writer.request("session.create", session_data(), rid="once")
    again = await writer.request("session.create", session_data(), rid="once")
    assert again == first and first["ok"] is True
    found = await writer.ok(
        "schedule.query", {"start": "2031-03-03T00:00:00Z", "end": "2031-03-04T00:00:00Z"}
    )
    assert len(found["sessions"]) == 1
    beat = await writer.ok("heartbeat", {})  # flushes: any second event would have arrived before this reply
    assert beat and [e["kind"] for e in writer.events] == ["session:created"]


async def test_repeated_request_id_is_still_recognised_after_a_restart(db_path: Path) -> None:
    first = start_server(db_path)
    try:
        pool = Clients(first)
        writer = await pool.signed_in("ana")
        reply = await writer.request("session.create", session_data(), rid="outbox-1")
        await pool.close()
    finally:
        first.stop()
    second = start_server(db_path)
    try:
        pool = Clients(second)
        writer = await pool.signed_in("ana")
        head = (await writer.ok("sync", {}))["seq"]
        assert await writer.request("session.create", session_data(), rid="outbox-1") == reply
        found = await writer.ok(
            "schedule.query", {"start": "2031-03-03T00:00:00Z", "end": "2031-03-04T00:00:00Z"}
        )
        assert len(found["sessions"]) == 1
        assert (await writer.ok("sync", {}))["seq"] == head
        await pool.close()
    finally:
        second.stop()


async def test_a_status_change_of_a_session_booked_over_a_clash_is_not_refused_again(clients) -> None:
    boss = await clients.signed_in("boss")
    first = (await boss.ok("session.create", session_data()))["session"]
    over = (await boss.ok("session.create", dict(session_data(), allow_overlap=True)))["session"]
    done = await boss.ok("session.update", {"id": over["id"], "version": over["version"],
                                            "changes": {"status": "confirmed"}})
    assert done["session"]["status"] == "confirmed"
    # …but taking the trainer again after a cancellation is checked anew.
    cancelled = (await boss.ok("session.update", {"id": first["id"], "version": first["version"],
                                                  "changes": {"status": "cancelled"}}))["session"]
    confirmed = done["session"]
    mine = (await boss.ok("session.update", {"id": confirmed["id"], "version": confirmed["version"],
                                             "changes": {"status": "completed"}}))["session"]
    err = await boss.error("session.update", {"id": cancelled["id"], "version": cancelled["version"],
                                              "changes": {"status": "scheduled"}})
    assert err["code"] == "conflict" and mine["status"] == "completed"
