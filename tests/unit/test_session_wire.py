"""A session's wire form: made once for equal sessions, never mixed up between a group's rosters."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from swan_desktop.protocol.entities import Session

START = datetime(2031, 3, 3, 10, tzinfo=UTC)


def test_a_group_sessions_wire_form_carries_its_own_roster_not_an_equal_sessions() -> None:
    """Equal in every compared field, so equal sessions: the one with clients must still send them."""
    bare = Session(id=7, start=START, end=START + timedelta(hours=1), trainer_id=1)
    assert "clients" not in bare.to_wire()  # its form is now made (and kept) for sessions equal to it
    group = dataclasses.replace(bare, extra={"clients": [{"client_id": 5, "name": "Rui"}], "capacity": 6,
                                             "booked": 1})
    assert group == bare
    wire = group.to_wire()
    assert wire["clients"] == [{"client_id": 5, "name": "Rui"}] and wire["capacity"] == 6
    other = dataclasses.replace(bare, extra={"clients": [], "capacity": 6, "booked": 0})
    assert other.to_wire()["booked"] == 0
    assert "clients" not in bare.to_wire()


def test_the_wire_form_handed_out_is_a_copy() -> None:
    session = Session(id=8, start=START, end=START + timedelta(hours=1), trainer_id=1)
    session.to_wire()["notes"] = "scribbled on"
    assert session.to_wire()["notes"] == ""
    assert Session.from_wire(session.to_wire()) == session
