"""A session's room text names the studio's room however it is typed: it is stored as the room's
own name, and a rename, a delete and the archive reach every session that names the room,
sessions stored before in another spelling included."""

from __future__ import annotations

from typing import Any

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.server.support import Clients, WsClient, session_data

MARCH = {"start": "2031-03-01T00:00:00Z", "end": "2031-04-01T00:00:00Z"}


async def _studio(boss: WsClient) -> dict[str, int]:
    trainer = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    stype = (await boss.ok("session_type.create", {"name": "PT"}))["session_type"]
    room_a = (await boss.ok("room.create", {"name": "Studio A"}))["location"]
    room_b = (await boss.ok("room.create", {"name": "Studio B"}))["location"]
    return {"trainer": trainer["id"], "type": stype["id"], "a": room_a["id"], "b": room_b["id"]}


async def _book(boss: WsClient, ids: dict[str, int], day: int, location: str, **more: Any) -> dict[str, Any]:
    session: dict[str, Any] = (await boss.ok("session.create", {**session_data(
        start=f"2031-03-{day:02d}T10:00:00Z", end=f"2031-03-{day:02d}T11:00:00Z", trainer_id=ids["trainer"],
        client_id=None, client_name="Rui", location=location, session_type_id=ids["type"]), **more}))
    return session


def _store_room_text(server: EmbeddedServer, session_id: int, text: str) -> None:
    """Write a session's room text straight to the database, as sessions booked before room texts
    were matched to the rooms were stored."""
    def write(store: Store) -> None:
        with store.transaction():
            session = store.session(session_id)
            assert session is not None
            store.replace_session(session.with_changes(location=text))

    server.server.store.submit(write)


async def _rooms_by_id(client: WsClient) -> dict[int, tuple[str, int]]:
    found = (await client.ok("schedule.query", MARCH))["sessions"]
    return {s["id"]: (s["location"], s["version"]) for s in found}


async def test_a_room_typed_in_another_case_or_with_spaces_is_stored_as_the_rooms_name(
        clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    ids = await _studio(boss)
    booked = (await _book(boss, ids, 3, " studio a "))["session"]
    assert booked["location"] == "Studio A"
    park = (await _book(boss, ids, 4, "  Park "))["session"]
    assert park["location"] == "Park"  # a place of the studio's own: kept as typed, trimmed
    moved = (await boss.ok("session.update", {"id": park["id"], "version": park["version"],
                                              "changes": {"location": "STUDIO B"}}))["session"]
    assert moved["location"] == "Studio B"
    weekly = await _book(boss, ids, 10, "studio a\t", recurrence={"rrule": "FREQ=WEEKLY;COUNT=2"})
    assert [s["location"] for s in weekly["sessions"]] == ["Studio A", "Studio A"]
    stored = await _rooms_by_id(boss)
    assert {sid: room for sid, (room, _) in stored.items()} == {
        booked["id"]: "Studio A", park["id"]: "Studio B",
        weekly["sessions"][0]["id"]: "Studio A", weekly["sessions"][1]["id"]: "Studio A"}


async def test_renaming_a_room_renames_the_sessions_that_name_it_in_any_spelling(
        clients: Clients, server: EmbeddedServer) -> None:
    boss, other = await clients.signed_in("boss"), await clients.signed_in("vic")
    ids = await _studio(boss)
    exact = (await _book(boss, ids, 3, "Studio A"))["session"]
    lower = (await _book(boss, ids, 4, "Studio A"))["session"]
    spaced = (await _book(boss, ids, 5, "Studio A"))["session"]
    park = (await _book(boss, ids, 6, "Park"))["session"]
    room_b = (await _book(boss, ids, 7, "Studio B"))["session"]
    _store_room_text(server, lower["id"], "studio a")
    _store_room_text(server, spaced["id"], " Studio A ")
    await boss.ok("room.update", {"id": ids["a"], "changes": {"name": "Main floor"}})
    while (event := await other.next_event())["kind"] != "room:updated":
        pass
    assert event["data"]["renamed_from"] == "Studio A" and event["data"]["sessions_renamed"] == 3
    assert await _rooms_by_id(other) == {
        exact["id"]: ("Main floor", exact["version"]), lower["id"]: ("Main floor", lower["version"]),
        spaced["id"]: ("Main floor", spaced["version"]), park["id"]: ("Park", park["version"]),
        room_b["id"]: ("Studio B", room_b["version"])}


async def test_a_room_is_not_deleted_while_a_session_names_it_in_another_case(
        clients: Clients, server: EmbeddedServer) -> None:
    boss = await clients.signed_in("boss")
    ids = await _studio(boss)
    pool = (await boss.ok("room.create", {"name": "Pool", "capacity": 3}))["location"]
    swim = (await _book(boss, ids, 3, "Park"))["session"]
    _store_room_text(server, swim["id"], "pool ")
    in_use = await boss.error("room.delete", {"id": pool["id"]})
    assert in_use["code"] == "conflict"
    assert in_use["data"]["reason"] == "in_use" and in_use["data"]["sessions"] == 1
    assert pool in (await boss.ok("directory.query"))["locations"]
    await boss.ok("session.delete", {"id": swim["id"], "version": swim["version"]})
    await boss.ok("room.delete", {"id": pool["id"]})  # nothing names it now


async def test_attack_an_archived_room_cannot_be_booked_by_spelling_it_differently(
        clients: Clients, server: EmbeddedServer) -> None:
    boss = await clients.signed_in("boss")
    ids = await _studio(boss)
    kept = (await _book(boss, ids, 3, "Studio B"))["session"]
    _store_room_text(server, kept["id"], "studio b")  # booked before, in another spelling
    other = (await _book(boss, ids, 4, "Studio A"))["session"]
    await boss.ok("room.update", {"id": ids["b"], "changes": {"active": False}})
    words = "the room 'Studio B' is archived; choose another, or make it active again"
    for spelling in ("studio b", "  STUDIO B  ", "Studio B\t", "sTuDiO b"):
        error = await boss.error("session.create", session_data(
            start="2031-03-05T10:00:00Z", end="2031-03-05T11:00:00Z", trainer_id=ids["trainer"],
            client_id=None, client_name="Eva", location=spelling, session_type_id=ids["type"]))
        assert (error["code"], error["message"], error["data"]["field"]) == ("invalid", words, "location")
        error = await boss.error("session.update", {"id": other["id"], "version": other["version"],
                                                    "changes": {"location": spelling}})
        assert (error["code"], error["data"]["field"]) == ("invalid", "changes.location")
    assert (await _rooms_by_id(boss))[other["id"]] == ("Studio A", other["version"])
    # the session already booked there keeps it, and may be edited with its room sent as it is
    noted = (await boss.ok("session.update", {"id": kept["id"], "version": kept["version"],
                                              "changes": {"location": "Studio B", "notes": "mats"}}))
    assert noted["session"]["location"] == "Studio B" and noted["session"]["notes"] == "mats"
