"""Trainers, rooms and session types on a studio that starts empty: created, changed, archived and
deleted over the protocol, with the events every desktop receives."""

from __future__ import annotations

import pytest

from tests.server.support import Clients, session_data


async def test_setup_is_needed_on_an_empty_studio_until_a_trainer_exists(clients: Clients) -> None:
    viewer = await clients.signed_in("vic")
    setup = await viewer.ok("studio.setup.get")
    assert setup["needed"] is True
    assert setup["studio"] == {"name": "", "timezone": setup["studio"]["timezone"], "opening_hours": [],
                               "setup_complete": False}
    boss = await clients.signed_in("boss")
    studio = (await boss.ok("studio.setup.set", {
        "name": "Swan Studios", "timezone": "Europe/Lisbon",
        "opening_hours": [{"weekday": 0, "start": "07:00", "end": "12:00"},
                          {"weekday": 0, "start": "14:00", "end": "21:00"}]}))["studio"]
    assert studio["name"] == "Swan Studios" and studio["timezone"] == "Europe/Lisbon"
    assert len(studio["opening_hours"]) == 2
    event = await viewer.next_event()
    assert event["kind"] == "studio:updated" and event["data"]["studio"] == studio
    await boss.ok("trainer.create", {"name": "Ana Costa"})
    assert (await viewer.ok("studio.setup.get"))["needed"] is False
    directory = await viewer.ok("directory.query")
    assert directory["studio"] == studio


async def test_a_time_zone_set_in_the_studio_settings_updates_the_studios_profile_everywhere(
        clients: Clients) -> None:
    viewer, boss = await clients.signed_in("vic"), await clients.signed_in("boss")
    await boss.ok("studio.settings.set", {"timezone": "Asia/Tokyo"})
    kinds: dict[str, dict[str, object]] = {}
    while "studio:updated" not in kinds or "studio:settings-changed" not in kinds:
        event = await viewer.next_event()
        kinds[event["kind"]] = event["data"]
    assert kinds["studio:updated"]["studio"] == (await viewer.ok("studio.setup.get"))["studio"]
    assert (await viewer.ok("directory.query"))["studio"]["timezone"] == "Asia/Tokyo"
    await boss.ok("studio.settings.set", {"conflict_strategy": "last-write-wins"})
    assert (await viewer.next_event())["kind"] == "studio:settings-changed"  # the profile did not change
    await boss.ok("studio.setup.set", {"name": "Swan"})
    assert (await viewer.next_event())["kind"] == "studio:updated"


async def test_trainer_room_and_type_are_created_and_appear_in_the_directory(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    other = await clients.signed_in("vic")
    trainer = (await boss.ok("trainer.create", {"name": "Ana Costa", "color": "#1565c0",
                                                "specialties": ["pilates"]}))["trainer"]
    assert trainer == {"id": trainer["id"], "name": "Ana Costa", "color": "#1565c0",
                       "specialties": ["pilates"], "active": True, "user_id": None, "hours": [],
                       "time_off": []}
    room = (await boss.ok("room.create", {"name": "Studio A", "capacity": 4}))["location"]
    assert room == {"id": room["id"], "name": "Studio A", "capacity": 4, "sessions_at_once": 1,
                    "active": True}
    stype = (await boss.ok("session_type.create", {"name": "Personal training"}))["session_type"]
    assert stype["duration_min"] == 60 and stype["credits"] == 1 and stype["active"] is True
    kinds = [(await other.next_event())["kind"] for _ in range(3)]
    assert kinds == ["trainer:created", "room:created", "session_type:created"]
    directory = await other.ok("directory.query")
    assert directory["trainers"] == [trainer]
    assert directory["locations"] == [room]
    assert directory["session_types"] == [stype]


async def test_fields_are_checked_and_named(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    error = await boss.error("trainer.create", {"name": "  "})
    assert error["code"] == "invalid" and error["data"]["field"] == "name"
    error = await boss.error("trainer.create", {"name": "Ana", "color": "#777777"})
    assert error["code"] == "invalid" and error["data"]["field"] == "color" and "4.5:1" in error["message"]
    error = await boss.error("trainer.create", {"name": "Ana", "colour": "#000000"})
    assert error["code"] == "invalid" and "colour" in error["message"]
    error = await boss.error("room.create", {"name": "Big room", "capacity": 0})
    assert error["code"] == "invalid" and error["data"]["field"] == "capacity"
    await boss.ok("room.create", {"name": "Big room"})
    error = await boss.error("room.create", {"name": "big room"})
    assert error["code"] == "invalid" and error["data"]["field"] == "name" and "already" in error["message"]
    await boss.ok("room.create", {"name": "Sala Ávila"})
    error = await boss.error("room.create", {"name": " SALA ÁVILA "})  # SQLite's lower() folds only ASCII
    assert error["code"] == "invalid" and error["data"]["field"] == "name" and "already" in error["message"]
    await boss.ok("trainer.create", {"name": "Zoë Straße"})
    error = await boss.error("trainer.create", {"name": "ZOË STRASSE"})
    assert error["code"] == "invalid" and error["data"]["field"] == "name"
    error = await boss.error("session_type.create", {"name": "Short", "duration_min": 1})
    assert error["data"]["field"] == "duration_min"
    error = await boss.error("trainer.update", {"id": 999, "changes": {"name": "X"}})
    assert error["code"] == "not_found"
    trainer = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    error = await boss.error("trainer.update", {"id": trainer["id"], "changes": {"color": "blue"}})
    assert error["data"]["field"] == "changes.color"


async def test_a_room_several_trainers_share_holds_that_many_sessions_at_once(clients: Clients) -> None:
    """A gym floor three trainers share at the same hour: two sessions in one room used to clash
    whatever the room, so the office booked over the clash (admins only) each time. A room holds
    ``sessions_at_once`` (default 1, the old rule); one more than that at one moment clashes,
    naming the room, and other rooms are as they were."""
    boss = await clients.signed_in("boss")
    trainers = [(await boss.ok("trainer.create", {"name": name}))["trainer"]["id"]
                for name in ("Ana", "Ben", "Caro", "Dan")]
    floor = (await boss.ok("room.create", {"name": "Gym floor", "sessions_at_once": 3}))["location"]
    assert floor["sessions_at_once"] == 3
    await boss.ok("room.create", {"name": "Studio A"})

    def at(trainer: int, room: str, start: str = "10:00", end: str = "11:00") -> dict[str, object]:
        return session_data(start=f"2031-03-03T{start}:00Z", end=f"2031-03-03T{end}:00Z",
                            trainer_id=trainer, client_id=None, client_name="Rui", location=room,
                            session_type_id=None)

    for trainer in trainers[:3]:
        await boss.ok("session.create", at(trainer, "Gym floor"))
    fourth = await boss.error("session.create", at(trainers[3], "Gym floor", "10:30", "11:30"))
    assert fourth["code"] == "conflict" and fourth["data"]["conflict"] == "time-overlap"
    assert fourth["message"].startswith("Gym floor is full between Mon 03 Mar 10:00–11:00: 3 sessions")
    await boss.ok("session.create", at(trainers[3], "Gym floor", "11:00", "12:00"))  # the hour after
    await boss.ok("session.create", at(trainers[0], "Studio A", "12:00", "13:00"))
    second = await boss.error("session.create", at(trainers[1], "Studio A", "12:30", "13:30"))
    assert second["code"] == "conflict" and second["data"]["conflict"] == "time-overlap"
    error = await boss.error("room.update", {"id": floor["id"], "changes": {"sessions_at_once": 0}})
    assert error["code"] == "invalid" and error["data"]["field"] == "changes.sessions_at_once"
    lowered = await boss.ok("room.update", {"id": floor["id"], "changes": {"sessions_at_once": 2}})
    assert lowered["location"]["sessions_at_once"] == 2  # the three booked stay; a new one clashes
    assert lowered["sessions_over"] == 3  # all three run at 10:00 (not the one at 11:00)
    third = await boss.error("session.update", {**(await _first_at_ten(boss, trainers[2])),
                                                "changes": {"notes": "x", "start": "2031-03-03T10:15:00Z",
                                                            "end": "2031-03-03T11:15:00Z"}})
    assert third["code"] == "conflict" and third["data"]["conflict"] == "time-overlap"
    raised = await boss.ok("room.update", {"id": floor["id"], "changes": {"sessions_at_once": 4}})
    assert "sessions_over" not in raised


async def _first_at_ten(boss, trainer: int) -> dict[str, object]:
    day = {"start": "2031-03-03T00:00:00Z", "end": "2031-03-04T00:00:00Z", "trainer_id": trainer}
    sessions = (await boss.ok("schedule.query", day))["sessions"]
    first = next(s for s in sessions if s["start"] == "2031-03-03T10:00:00Z")
    return {"id": first["id"], "version": first["version"]}


@pytest.mark.parametrize("kind", ["trainer", "room", "session_type"])
async def test_a_delete_is_refused_with_the_count_of_sessions_and_archiving_keeps_history(
    clients: Clients, kind: str
) -> None:
    boss = await clients.signed_in("boss")
    trainer = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    room = (await boss.ok("room.create", {"name": "Studio A"}))["location"]
    stype = (await boss.ok("session_type.create", {"name": "PT"}))["session_type"]
    for day in (3, 4):
        await boss.ok("session.create", session_data(
            start=f"2031-03-0{day}T10:00:00Z", end=f"2031-03-0{day}T11:00:00Z", trainer_id=trainer["id"],
            client_id=None, client_name="Rui", location="Studio A", session_type_id=stype["id"]))
    target = {"trainer": trainer, "room": room, "session_type": stype}[kind]
    error = await boss.error(f"{kind}.delete", {"id": target["id"]})
    assert error["code"] == "conflict"
    assert error["data"]["reason"] == "in_use" and error["data"]["sessions"] == 2
    assert "archive" in error["message"]
    key = "location" if kind == "room" else kind
    archived = (await boss.ok(f"{kind}.update", {"id": target["id"], "changes": {"active": False}}))[key]
    assert archived["active"] is False
    directory = await boss.ok("directory.query")
    listed = {"trainer": directory["trainers"], "room": directory["locations"],
              "session_type": directory["session_types"]}[kind]
    assert [t["active"] for t in listed if t["id"] == target["id"]] == [False]
    sessions = (await boss.ok("schedule.query", {"start": "2031-03-01T00:00:00Z",
                                                 "end": "2031-03-10T00:00:00Z"}))["sessions"]
    assert len(sessions) == 2 and {s["trainer_id"] for s in sessions} == {trainer["id"]}


async def test_an_unused_row_is_deleted_for_everyone(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    other = await clients.signed_in("vic")
    room = (await boss.ok("room.create", {"name": "Studio B"}))["location"]
    assert await boss.ok("room.delete", {"id": room["id"]}) == {}
    assert [(await other.next_event())["kind"] for _ in range(2)] == ["room:created", "room:deleted"]
    assert (await other.ok("directory.query"))["locations"] == []


async def test_changing_a_session_type_leaves_booked_sessions_as_they_are(clients: Clients) -> None:
    """Its length and its price: Liam's session booked at 1 credit costs 1 when completed after the
    type went up to 2; one booked after the change, or moved to the type, costs 2."""
    boss = await clients.signed_in("boss")
    trainer = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    stype = (await boss.ok("session_type.create", {"name": "PT", "duration_min": 60}))["session_type"]
    liam = (await boss.ok("client.create", {"name": "Liam"}))["client"]
    await boss.ok("credits.adjust", {"client_id": liam["id"], "delta": 10, "reason": "start"})
    booked = (await boss.ok("session.create", session_data(
        trainer_id=trainer["id"], client_id=liam["id"], session_type_id=stype["id"])))["session"]
    untyped = (await boss.ok("session.create", session_data(
        start="2031-03-05T10:00:00Z", end="2031-03-05T11:00:00Z", trainer_id=trainer["id"],
        client_id=liam["id"], session_type_id=None)))["session"]
    changed = (await boss.ok("session_type.update", {"id": stype["id"],
                                                     "changes": {"duration_min": 45, "credits": 2}}))
    assert changed["session_type"]["duration_min"] == 45
    sessions = (await boss.ok("schedule.query", {"start": "2031-03-01T00:00:00Z",
                                                 "end": "2031-03-04T00:00:00Z"}))["sessions"]
    assert sessions == [booked]
    later = (await boss.ok("session.create", session_data(
        start="2031-03-06T10:00:00Z", end="2031-03-06T11:00:00Z", trainer_id=trainer["id"],
        client_id=liam["id"], session_type_id=stype["id"])))["session"]
    retyped = (await boss.ok("session.update", {"id": untyped["id"], "version": untyped["version"],
                                                "changes": {"session_type_id": stype["id"]}}))["session"]
    for session, cost in ((booked, 1), (later, 2), (retyped, 2)):
        before = (await boss.ok("credits.ledger", {"client_id": liam["id"]}))["balance"]
        await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                         "changes": {"status": "completed"}})
        assert (await boss.ok("credits.ledger", {"client_id": liam["id"]}))["balance"] == before - cost


async def test_an_archived_trainer_takes_no_new_bookings_but_keeps_its_own(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    trainer = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    other = (await boss.ok("trainer.create", {"name": "Rui"}))["trainer"]
    booked = (await boss.ok("session.create", session_data(trainer_id=trainer["id"], client_id=None,
                                                           session_type_id=None)))["session"]
    for start, status in (("2031-03-05T10:00:00Z", "cancelled"), ("2021-03-01T10:00:00Z", "completed")):
        other_one = session_data(start=start, end=start.replace("T10", "T11"), status=status,
                                 trainer_id=trainer["id"], client_id=None, session_type_id=None)
        await boss.ok("session.create", other_one)
    archived = await boss.ok("trainer.update", {"id": trainer["id"], "changes": {"active": False}})
    assert archived["sessions_ahead"] == 1  # still to come and not cancelled: to reassign
    error = await boss.error("session.create", session_data(
        start="2031-03-04T10:00:00Z", end="2031-03-04T11:00:00Z", trainer_id=trainer["id"], client_id=None,
        session_type_id=None))
    assert error["code"] == "invalid" and error["data"]["field"] == "trainer_id"
    assert "archived" in error["message"]
    done = await boss.ok("session.update", {"id": booked["id"], "version": booked["version"],
                                            "changes": {"notes": "kept"}})
    assert done["session"]["notes"] == "kept"
    moved = await boss.ok("session.update", {"id": booked["id"], "version": done["session"]["version"],
                                             "changes": {"trainer_id": other["id"]}})
    error = await boss.error("session.update", {"id": booked["id"], "version": moved["session"]["version"],
                                                "changes": {"trainer_id": trainer["id"]}})
    assert error["data"]["field"] == "changes.trainer_id"


async def test_deleting_an_unused_trainer_drops_its_time_off_and_unlinks_its_account(
    clients: Clients,
) -> None:
    boss = await clients.signed_in("boss")
    trainer = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    made = await boss.ok("account.create", {"username": "ana2", "name": "Ana", "role": "trainer",
                                             "trainer_id": trainer["id"]})
    await boss.ok("timeoff.add", {"trainer_id": trainer["id"], "start": "2031-03-03", "end": "2031-03-03"})
    assert await boss.ok("trainer.delete", {"id": trainer["id"]}) == {}
    accounts = (await boss.ok("account.list"))["accounts"]
    assert [a["trainer_id"] for a in accounts if a["id"] == made["account"]["id"]] == [None]
    assert (await boss.ok("directory.query"))["trainers"] == []


async def test_the_studio_profile_is_checked(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    error = await boss.error("studio.setup.set", {"timezone": "Mars/Olympus"})
    assert error["code"] == "invalid" and error["data"]["field"] == "timezone"
    error = await boss.error("studio.setup.set", {"opening_hours": [{"weekday": 1, "start": "18:00",
                                                                     "end": "09:00"}]})
    assert error["data"]["field"] == "opening_hours[0]"
    error = await boss.error("studio.setup.set", {})
    assert error["code"] == "invalid"
    done = await boss.ok("studio.setup.set", {"setup_complete": True})
    assert done["studio"]["setup_complete"] is True
    assert (await boss.ok("studio.setup.get"))["needed"] is False


async def test_an_archived_client_takes_no_new_bookings_but_keeps_their_own(clients: Clients) -> None:
    """The clients page promises archived clients are left out of pickers; a booking sent anyway
    (another PC's stale list, a script) is refused like an archived trainer's."""
    boss = await clients.signed_in("boss")
    ana = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    rita = (await boss.ok("client.create", {"name": "Rita Lobo"}))["client"]
    other = (await boss.ok("client.create", {"name": "Tomas Reis"}))["client"]
    booking = session_data(trainer_id=ana["id"], session_type_id=None, client_id=rita["id"], client_name="")
    booked = (await boss.ok("session.create", booking))["session"]
    await boss.ok("client.update", {"id": rita["id"], "changes": {"archived": True}})
    error = await boss.error("session.create", {**booking, "start": "2031-03-04T10:00:00Z",
                                                "end": "2031-03-04T11:00:00Z"})
    assert error["code"] == "invalid" and error["data"]["field"] == "client_id"
    assert error["message"] == ("the client 'Rita Lobo' is archived; choose another, "
                                "or restore them on their card")
    done = await boss.ok("session.update", {"id": booked["id"], "version": booked["version"],
                                            "changes": {"notes": "kept"}})
    assert done["session"]["notes"] == "kept" and done["session"]["client_id"] == rita["id"]
    moved = await boss.ok("session.update", {"id": booked["id"], "version": done["session"]["version"],
                                             "changes": {"client_id": other["id"], "client_name": ""}})
    error = await boss.error("session.update", {"id": booked["id"], "version": moved["session"]["version"],
                                                "changes": {"client_id": rita["id"]}})
    assert error["code"] == "invalid" and error["data"]["field"] == "changes.client_id"
    await boss.ok("client.update", {"id": rita["id"], "changes": {"archived": False}})
    assert await boss.ok("session.update", {"id": booked["id"], "version": moved["session"]["version"],
                                            "changes": {"client_id": rita["id"]}})


async def test_a_recurring_booking_with_an_archived_session_type_is_refused(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    trainer = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    stype = (await boss.ok("session_type.create", {"name": "PT"}))["session_type"]
    await boss.ok("session_type.update", {"id": stype["id"], "changes": {"active": False}})
    error = await boss.error("session.create", {**session_data(
        trainer_id=trainer["id"], client_id=None, session_type_id=stype["id"]),
        "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=3"}})
    assert error["code"] == "invalid" and error["data"]["field"] == "session_type_id"


async def test_renaming_a_room_renames_it_in_its_sessions_so_clashes_and_deletes_still_see_them(
        clients: Clients) -> None:
    boss, other = await clients.signed_in("boss"), await clients.signed_in("vic")
    ana = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    ben = (await boss.ok("trainer.create", {"name": "Ben"}))["trainer"]
    room = (await boss.ok("room.create", {"name": "Studio A"}))["location"]
    stype = (await boss.ok("session_type.create", {"name": "PT"}))["session_type"]
    booked = (await boss.ok("session.create", session_data(
        trainer_id=ana["id"], client_id=None, client_name="Rui", location="Studio A",
        session_type_id=stype["id"])))["session"]
    await boss.ok("room.update", {"id": room["id"], "changes": {"name": "Main floor"}})
    while (event := await other.next_event())["kind"] != "room:updated":
        pass
    assert event["data"] == {"location": {**room, "name": "Main floor"}, "renamed_from": "Studio A",
                             "sessions_renamed": 1}
    found = (await other.ok("schedule.query", {"start": "2031-03-03T00:00:00Z",
                                               "end": "2031-03-04T00:00:00Z"}))["sessions"]
    assert [(s["id"], s["location"], s["version"]) for s in found] == [
        (booked["id"], "Main floor", booked["version"])]  # a relabel, not an edit: the version stays
    clash = await boss.error("session.create", session_data(
        trainer_id=ben["id"], client_id=None, client_name="Eva", location="Main floor",
        session_type_id=stype["id"]))
    assert clash["data"]["conflict"] == "time-overlap"  # the room is still taken at that hour
    in_use = await boss.error("room.delete", {"id": room["id"]})
    assert in_use["data"]["reason"] == "in_use" and in_use["data"]["sessions"] == 1
    await boss.ok("room.update", {"id": room["id"], "changes": {"capacity": 3}})
    while (event := await other.next_event())["kind"] != "room:updated":
        pass
    assert "renamed_from" not in event["data"]  # no rename, nothing said of one
