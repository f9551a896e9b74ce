"""Trainer working hours on the server: admins set them, everyone reads them, bookings outside
them are refused unless an admin books anyway."""

from __future__ import annotations

from tests.support.server import Clients, WsClient, session_data

from .conftest import set_zone

WEEK = [{"weekday": 0, "start": "09:00", "end": "13:00"}, {"weekday": 2, "start": "14:00", "end": "20:00"}]


async def _hours(admin: WsClient) -> None:
    await set_zone(admin, "Europe/Lisbon")
    await admin.ok("availability.set", {"trainer_id": 1, "hours": WEEK})


async def test_admins_set_hours_and_everyone_reads_them_also_in_the_directory(clients: Clients) -> None:
    boss, vic = await clients.signed_in("boss"), await clients.signed_in("vic")
    await _hours(boss)
    reply = await vic.ok("availability.get", {"trainer_id": 1})
    assert reply == {"timezone": "Europe/Lisbon", "availability": [{"trainer_id": 1, "hours": WEEK}]}
    trainers = (await vic.ok("directory.query"))["trainers"]
    assert next(t for t in trainers if t["id"] == 1)["hours"] == WEEK
    assert (await vic.error("availability.set", {"trainer_id": 1, "hours": []}))["code"] == "forbidden"


async def test_a_booking_outside_working_hours_is_refused_naming_the_hours(clients: Clients) -> None:
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    await _hours(boss)
    # Monday 3 March 2031 15:00 Lisbon: Mondays end at 13:00
    error = await ana.error("session.create", session_data(start="2031-03-03T15:00:00Z",
                                                           end="2031-03-03T16:00:00Z"))
    assert error["code"] == "conflict" and error["data"]["reason"] == "outside-availability"
    assert "working hours: Mondays 09:00–13:00" in error["message"]
    assert error["data"]["hours"] == WEEK
    # inside the hours it is fine; a trainer cannot override
    await ana.ok("session.create", session_data(start="2031-03-03T10:00:00Z", end="2031-03-03T11:00:00Z"))
    again = await ana.error("session.create", {**session_data(start="2031-03-03T15:00:00Z",
                                                              end="2031-03-03T16:00:00Z"),
                                               "allow_outside_hours": True})
    assert "only an admin may book outside working hours" in again["message"]


async def test_an_admin_may_book_outside_working_hours(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await _hours(boss)
    reply = await boss.ok("session.create", {**session_data(start="2031-03-03T15:00:00Z",
                                                            end="2031-03-03T16:00:00Z"),
                                             "allow_outside_hours": True})
    assert reply["session"]["start"] == "2031-03-03T15:00:00Z"


async def test_blocked_time_may_lie_outside_working_hours(clients: Clients) -> None:
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    await _hours(boss)
    await ana.ok("session.create", session_data(start="2031-03-04T08:00:00Z", end="2031-03-04T18:00:00Z",
                                                status="blocked", client_id=None))


async def test_the_directory_carries_working_hours_and_the_studio_zone(clients) -> None:
    boss = await clients.signed_in("boss")
    await boss.ok("studio.settings.set", {"timezone": "Europe/Lisbon"})
    await boss.ok("availability.set", {"trainer_id": 1, "hours": [
        {"weekday": 0, "start": "09:00", "end": "13:00"}]})
    directory = await boss.ok("directory.query", {})
    assert directory["timezone"] == "Europe/Lisbon"
    (ana,) = [t for t in directory["trainers"] if t["id"] == 1]
    assert ana["hours"] == [{"weekday": 0, "start": "09:00", "end": "13:00"}]
