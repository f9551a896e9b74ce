"""The directory as the client reads it: trainers' working hours and the studio's zone."""

from __future__ import annotations

from swan_desktop.core.directory import Directory
from swan_desktop.protocol.entities import Trainer


def test_trainer_hours_and_studio_zone_are_read_from_the_wire() -> None:
    d = Directory.from_wire({"timezone": "Europe/Lisbon", "trainers": [
        {"id": 1, "name": "Ana", "hours": [{"weekday": 0, "start": "09:00", "end": "13:00"}]},
        {"id": 2, "name": "Ben"}]})
    assert d.timezone == "Europe/Lisbon"
    assert d.trainers[1].hours == ((0, "09:00", "13:00"),)
    assert d.trainers[2].hours == ()
    assert Trainer.from_wire(d.trainers[1].to_wire()) == d.trainers[1]


def test_an_older_server_without_hours_or_zone_is_read_as_unlimited() -> None:
    d = Directory.from_wire({"trainers": [{"id": 1, "name": "Ana"}]})
    assert d.timezone == "" and d.trainers[1].hours == ()


def test_each_users_trainer_link_is_read_and_kept_in_the_offline_copy() -> None:
    d = Directory.from_wire({"users": [
        {"id": 1, "name": "Boss", "role": "admin", "trainer_id": None},
        {"id": 5, "name": "Ana", "role": "trainer", "trainer_id": 2},
        {"id": 6, "name": "Ben", "role": "trainer"},  # an older server: not said, so not linked
        {"id": 7, "name": "Odd", "role": "viewer", "trainer_id": "2"}]})
    assert [u.trainer_id for u in d.users.values()] == [None, 2, None, None]
    assert Directory.from_wire(d.to_wire()).users == d.users


def test_a_deactivated_account_is_read_and_kept_as_such() -> None:
    d = Directory.from_wire({"users": [
        {"id": 1, "name": "Boss", "role": "admin", "trainer_id": None, "active": True},
        {"id": 5, "name": "Ana", "role": "trainer", "trainer_id": 2, "active": False},
        {"id": 6, "name": "Ben", "role": "trainer"}]})  # an older server: not said, so active
    assert [u.active for u in d.users.values()] == [True, False, True]
    assert Directory.from_wire(d.to_wire()).users == d.users
