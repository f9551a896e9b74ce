"""Working hours with breaks and time off as blocked time; a trainer edits their own, not another's."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from swan_desktop.protocol.frames import MAX_FRAME_BYTES
from swan_desktop.protocol.messages import MAX_NAME
from swan_desktop.server.embedded import EmbeddedServer
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
    assert event["kind"] == "timeoff:added"
    assert event["data"] == {"trainer_id": ana["id"], "time_off": off, "sessions_booked": 0}
    error = await boss.error("session.create", _booking(ana["id"], "10:00", "11:00"))
    assert error["code"] == "conflict" and error["data"]["reason"] == "outside-availability"
    assert "on time off" in error["message"] and "holiday" in error["message"]
    listed = (await watcher.ok("directory.query"))["trainers"]
    assert listed[0]["time_off"] == [off]
    assert await boss.ok("timeoff.remove", {"id": off["id"]}) == {}
    event = await watcher.next_event()
    assert event["kind"] == "timeoff:removed" and event["data"] == {"trainer_id": ana["id"], "id": off["id"]}
    await boss.ok("session.create", _booking(ana["id"], "10:00", "11:00"))


async def test_a_session_booked_before_time_off_is_still_confirmed_and_completed_by_its_trainer(
    clients: Clients,
) -> None:
    """Ana's 10:00 and 17:00 sessions are booked; then she takes Monday morning off sick and her
    Monday hours end at 16:00. She still confirms and completes both (the client's credit is taken),
    but moving the first within her time off, or booking a cancelled one again there, is refused."""
    boss = await clients.signed_in("boss")
    ana, _, _ = await _studio(boss)
    trainer = await clients.signed_in("ana")
    liam = (await boss.ok("client.create", {"name": "Liam"}))["client"]
    await boss.ok("credits.adjust", {"client_id": liam["id"], "delta": 5, "reason": "start"})
    booked = [{**_booking(ana["id"], start, end), "client_id": liam["id"]}
              for start, end in (("10:00", "11:00"), ("17:00", "18:00"), ("11:00", "12:00"))]
    morning, evening, spare = [(await boss.ok("session.create", b))["session"] for b in booked]
    spare = (await boss.ok("session.update", {"id": spare["id"], "version": spare["version"],
                                              "changes": {"status": "cancelled"}}))["session"]
    off = await boss.ok("timeoff.add", {"trainer_id": ana["id"], "start": MONDAY, "end": MONDAY,
                                        "reason": "sick"})
    assert off["sessions_booked"] == 2  # the cancelled one is not: the office is told of two to move
    await boss.ok("availability.set", {"trainer_id": ana["id"],
                                       "hours": [{"weekday": 0, "start": "08:00", "end": "16:00"}]})
    done = {}
    for session in (morning, evening):
        for status in ("confirmed", "completed"):
            session = (await trainer.ok("session.update", {"id": session["id"], "version": session["version"],
                                                           "changes": {"status": status}}))["session"]
        done[session["id"]] = session
    assert (await boss.ok("credits.ledger", {"client_id": liam["id"]}))["balance"] == 3
    morning = done[morning["id"]]
    moved = await trainer.error("session.update", {"id": morning["id"], "version": morning["version"],
                                                   "changes": {"start": f"{MONDAY}T09:00:00Z"}})
    assert moved["code"] == "conflict" and "on time off" in moved["message"]
    again = await trainer.error("session.update", {"id": spare["id"], "version": spare["version"],
                                                   "changes": {"status": "scheduled"}})
    assert again["code"] == "conflict" and again["data"]["reason"] == "outside-availability"


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


def _fill_time_off(server: EmbeddedServer, trainer_id: int, count: int, first: date) -> None:
    """``count`` one-day entries from ``first`` on, each with the longest reason, straight into the
    studio's database (as many requests would, without waiting out the rate limit)."""
    from swan_desktop.server.admin import timeoff
    from swan_desktop.server.store import Store

    def fill(store: Store) -> None:
        boss = store.account_by_username("boss")
        assert boss is not None
        with store.transaction():
            for n in range(count):
                day = first + timedelta(days=n)
                timeoff.add(store, trainer_id, day, day, "r" * MAX_NAME, boss.id, datetime.now(UTC))

    server.server.store.submit(fill)


def _day_off(trainer_id: int, day: date, reason: str = "") -> dict[str, Any]:
    return {"trainer_id": trainer_id, "start": day.isoformat(), "end": day.isoformat(), "reason": reason}


async def _listed(client: WsClient, trainer_id: int) -> list[dict[str, Any]]:
    """The trainer's time off as ``directory.query`` carries it."""
    trainers = (await client.ok("directory.query"))["trainers"]
    return list(next(t for t in trainers if t["id"] == trainer_id)["time_off"])


async def test_attack_a_trainer_adding_time_off_in_a_loop_cannot_grow_every_sign_in_past_a_frame(
        clients: Clients, server: EmbeddedServer) -> None:
    """A trainer may add their own time off. Added without end it rode on every ``directory.query``
    and ``trainer:updated``, until those no longer fit the frame a desktop accepts and no desktop
    could sign in; now a trainer holds at most ``MAX_KEPT`` listed entries of a short reason."""
    from swan_desktop.server.admin.timeoff import KEPT_DAYS, MAX_KEPT

    boss = await clients.signed_in("boss")
    ana, _, _ = await _studio(boss)
    trainer = await clients.signed_in("ana")
    today = datetime.now(UTC).date()
    _fill_time_off(server, ana["id"], MAX_KEPT - 1, today)
    last = today + timedelta(days=MAX_KEPT + 10)
    await trainer.ok("timeoff.add", _day_off(ana["id"], last, "r" * MAX_NAME))
    error = await trainer.error("timeoff.add", _day_off(ana["id"], last))
    assert error["code"] == "invalid" and error["data"]["field"] == "start"
    assert f"{MAX_KEPT} time-off entries" in error["message"]
    error = await trainer.error("timeoff.add", _day_off(ana["id"], last, "r" * (MAX_NAME + 1)))
    assert error["code"] == "invalid" and error["data"]["field"] == "reason"

    assert len(await _listed(boss, ana["id"])) == MAX_KEPT
    size = len(json.dumps(await boss.ok("directory.query")))
    assert size < MAX_FRAME_BYTES // 8, "a trainer's time off stays a small part of a frame"

    # Days long past are history: recording one is not refused and is not carried to every desktop.
    past = today - timedelta(days=KEPT_DAYS + 30)
    old = (await boss.ok("timeoff.add", _day_off(ana["id"], past, "sick")))["time_off"]
    listed = await _listed(boss, ana["id"])
    assert len(listed) == MAX_KEPT and old["id"] not in {t["id"] for t in listed}
    # Removing one makes room again.
    await trainer.ok("timeoff.remove", {"id": listed[0]["id"]})
    await trainer.ok("timeoff.add", _day_off(ana["id"], last))


async def test_attack_a_week_of_thousands_of_working_hours_is_refused(clients: Clients) -> None:
    """Working hours also ride on the trainer to every desktop: a week has at most
    ``MAX_WEEK_INTERVALS`` of them."""
    from swan_desktop.server.calendar.messages import MAX_WEEK_INTERVALS

    boss = await clients.signed_in("boss")
    ana, _, _ = await _studio(boss)
    trainer = await clients.signed_in("ana")
    minutes = [{"weekday": day, "start": f"{h:02d}:{m:02d}", "end": f"{h:02d}:{m + 1:02d}"}
               for day in range(7) for h in range(24) for m in range(0, 60, 2)]
    assert len(minutes) > MAX_WEEK_INTERVALS
    error = await trainer.error("availability.set", {"trainer_id": ana["id"], "hours": minutes})
    assert error["code"] == "invalid" and error["data"]["field"] == "hours"
    week = minutes[:MAX_WEEK_INTERVALS]
    assert (await trainer.ok("availability.set", {"trainer_id": ana["id"], "hours": week}))["hours"] == week
