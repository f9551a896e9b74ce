"""Working hours with breaks and time off as blocked time; a trainer edits their own, not another's."""

from __future__ import annotations

from typing import Any

from tests.server.support import Clients, WsClient, session_data

#: 2031-03-03 is a Monday.
MONDAY = "2031-03-03"


async def _studio(boss: WsClient) -> tuple[dict[str, Any], dict[str, Any], int]:
    await boss.ok("studio.setup.set", {"timezone": "UTC"})
    ana = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
    rui = (await boss.ok("trainer.create", {"name": "Rui"}))["trainer"]
    accounts = (await boss.ok("account.list"))["accounts"]
    ana_user = next(a["id"] for a in accounts if a["username"] == "ana")
    await boss.ok("account.update", {"user_id": ana_user, "changes": {"trainer_id": ana["id"]}})
    return ana, rui, ana_user


def _booking(trainer_id: int, start: str, end: str) -> dict[str, Any]:
    return session_data(start=f"{MONDAY}T{start}:00Z", end=f"{MONDAY}T{end}:00Z", trainer_id=trainer_id,
                        client_id=None, client_name="Rui", location="", session_type_id=None)


async def test_time_off_refuses_a_booking_like_hours_outside_work(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    ana, _, _ = await _studio(boss)
    watcher = await clients.signed_in("vic")
    off = (await boss.ok("timeoff.add", {"trainer_id": ana["id"], "start": MONDAY, "end": "2031-03-05",
                                         "reason": "holiday"}))["time_off"]
    assert off == {"id": off["id"], "start": MONDAY, "end": "2031-03-05", "reason": "holiday"}
    event = await watcher.next_event()
    assert event["kind"] == "timeoff:added" and event["data"] == {"trainer_id": ana["id"], "time_off": off}
    error = await boss.error("session.create", _booking(ana["id"], "10:00", "11:00"))
    assert error["code"] == "conflict" and error["data"]["reason"] == "outside-availability"
    assert "on time off" in error["message"] and "holiday" in error["message"]
    listed = (await watcher.ok("directory.query"))["trainers"]
    assert listed[0]["time_off"] == [off]
    assert await boss.ok("timeoff.remove", {"id": off["id"]}) == {}
    event = await watcher.next_event()
    assert event["kind"] == "timeoff:removed" and event["data"] == {"trainer_id": ana["id"], "id": off["id"]}
    await boss.ok("session.create", _booking(ana["id"], "10:00", "11:00"))


async def test_working_hours_with_a_break_refuse_a_booking_in_the_break(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    ana, _, _ = await _studio(boss)
    hours = [{"weekday": 0, "start": "08:00", "end": "12:00"},
             {"weekday": 0, "start": "13:00", "end": "18:00"}]
    reply = await boss.ok("availability.set", {"trainer_id": ana["id"], "hours": hours})
    assert reply["hours"] == hours
    error = await boss.error("session.create", _booking(ana["id"], "12:00", "13:00"))
    assert error["data"]["reason"] == "outside-availability"
    await boss.ok("session.create", _booking(ana["id"], "13:00", "14:00"))
    overlapping = [{"weekday": 0, "start": "08:00", "end": "12:00"},
                   {"weekday": 0, "start": "11:00", "end": "18:00"}]
    error = await boss.error("availability.set", {"trainer_id": ana["id"], "hours": overlapping})
    assert error["code"] == "invalid" and error["data"]["field"] == "hours[1]"


async def test_a_trainer_edits_their_own_hours_and_time_off_but_not_anothers(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    ana, rui, _ = await _studio(boss)
    trainer = await clients.signed_in("ana")
    hours = [{"weekday": 1, "start": "09:00", "end": "17:00"}]
    assert (await trainer.ok("availability.set", {"trainer_id": ana["id"], "hours": hours}))["hours"] == hours
    error = await trainer.error("availability.set", {"trainer_id": rui["id"], "hours": hours})
    assert error["code"] == "forbidden"
    mine = (await trainer.ok("timeoff.add", {"trainer_id": ana["id"], "start": MONDAY, "end": MONDAY}))
    error = await trainer.error("timeoff.add", {"trainer_id": rui["id"], "start": MONDAY, "end": MONDAY})
    assert error["code"] == "forbidden"
    theirs = (await boss.ok("timeoff.add", {"trainer_id": rui["id"], "start": MONDAY, "end": MONDAY}))
    assert (await trainer.error("timeoff.remove", {"id": theirs["time_off"]["id"]}))["code"] == "forbidden"
    assert await trainer.ok("timeoff.remove", {"id": mine["time_off"]["id"]}) == {}
    error = await trainer.error("trainer.update", {"id": ana["id"], "changes": {"name": "Ana C."}})
    assert error["code"] == "forbidden"


async def test_time_off_dates_are_checked(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    ana, _, _ = await _studio(boss)
    error = await boss.error("timeoff.add", {"trainer_id": ana["id"], "start": "2031-03-05", "end": MONDAY})
    assert error["code"] == "invalid" and error["data"]["field"] == "end"
    error = await boss.error("timeoff.add", {"trainer_id": ana["id"], "start": "tomorrow", "end": MONDAY})
    assert error["data"]["field"] == "start"
    error = await boss.error("timeoff.add", {"trainer_id": 999, "start": MONDAY, "end": MONDAY})
    assert error["code"] == "not_found"
