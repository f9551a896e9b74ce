"""New bookings leave archived trainers, rooms and session types alone.

A ``session.create``, or an update that moves a session to another trainer,
room or type, is refused (``invalid``, naming the field) when that one is
archived; sessions already booked with it keep it, and may still change
otherwise (be completed, cancelled, noted).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from ...protocol.errors import invalid
from ..pipeline import Change
from ..tables import locations, session_types, trainers

#: (field, the archived one's name by the field's value, the word for it), built once.
_CHECKS = (
    ("trainer_id", select(trainers.c.name).where(trainers.c.id == bindparam("v"), trainers.c.active == 0),
     "trainer"),
    ("session_type_id", select(session_types.c.name).where(session_types.c.id == bindparam("v"),
                                                           session_types.c.active == 0), "session type"),
    ("location", select(locations.c.name).where(locations.c.name == bindparam("v"), locations.c.active == 0),
     "room"),
)


def refuse_archived(change: Change) -> None:
    values, prefix = change.values, "changes." if change.before is not None else ""
    checks = _CHECKS
    for field, query, word in checks:
        value = values.get(field)
        if value is None or value == "" or (change.before is not None
                                            and getattr(change.before, field) == value):
            continue
        found = change.store.db.execute(query, {"v": value}).scalar()
        if found is not None:
            raise invalid(f"the {word} {found!r} is archived; choose another, "
                          f"or make it active again", field=prefix + field)
