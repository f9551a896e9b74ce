"""New bookings leave archived trainers, rooms and session types alone.

A ``session.create``, or an update that moves a session to another trainer,
room or type, is refused (``invalid``, naming the field) when that one is
archived; sessions already booked with it keep it, and may still change
otherwise (be completed, cancelled, noted).
"""

from __future__ import annotations

from ...protocol.errors import invalid
from ..pipeline import Change
from . import rows


def refuse_archived(change: Change) -> None:
    values, prefix = change.values, "changes." if change.before is not None else ""
    c = rows.db(change.store)
    checks = (("trainer_id", "SELECT name FROM trainers WHERE id = ? AND active = 0", "trainer"),
              ("session_type_id", "SELECT name FROM session_types WHERE id = ? AND active = 0",
               "session type"),
              ("location", "SELECT name FROM locations WHERE name = ? AND active = 0", "room"))
    for field, sql, word in checks:
        value = values.get(field)
        if value is None or value == "" or (change.before is not None
                                            and getattr(change.before, field) == value):
            continue
        found = c.execute(sql, (value,)).fetchone()
        if found is not None:
            raise invalid(f"the {word} {found['name']!r} is archived; choose another, "
                          f"or make it active again", field=prefix + field)
