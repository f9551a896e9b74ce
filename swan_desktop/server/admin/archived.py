"""New bookings leave archived trainers, rooms, session types and clients alone.

A ``session.create``, or an update that moves a session to another trainer,
room, type or client, is refused (``invalid``, naming the field) when that one
is archived; sessions already booked with it keep it, and may still change
otherwise (be completed, cancelled, noted). A room is the one the room text
names however it is typed (:func:`rows.room_named`).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from ...domain import rooms
from ...protocol.errors import invalid
from ..pipeline import Change
from ..tables import clients, session_types, trainers
from . import rows

_ACTIVE_AGAIN = "or make it active again"
#: (field, the archived one's name by the field's value, the word for it, how to undo it), built once;
#: the room (``location``) is found by :func:`_archived_room` instead.
_CHECKS = (
    ("trainer_id", select(trainers.c.name).where(trainers.c.id == bindparam("v"), trainers.c.active == 0),
     "trainer", _ACTIVE_AGAIN),
    ("session_type_id", select(session_types.c.name).where(session_types.c.id == bindparam("v"),
                                                           session_types.c.active == 0), "session type",
     _ACTIVE_AGAIN),
    ("location", None, "room", _ACTIVE_AGAIN),
    ("client_id", select(clients.c.name).where(clients.c.id == bindparam("v"), clients.c.archived == 1),
     "client", "or restore them on their card"),
)


def refuse_archived(change: Change) -> None:
    values, prefix = change.values, "changes." if change.before is not None else ""
    for field, query, word, undo in _CHECKS:
        value = values.get(field)
        if value is None or value == "" or (change.before is not None
                                            and getattr(change.before, field) == value):
            continue
        if query is None:
            found = _archived_room(change, value)
        else:
            found = change.store.db.execute(query, {"v": value}).scalar()
        if found is not None:
            raise invalid(f"the {word} {found!r} is archived; choose another, {undo}",
                          field=prefix + field)


def _archived_room(change: Change, text: str) -> str | None:
    """The name of the archived room ``text`` names, unless the session already names that room
    (however it was typed then): None when the room is active, or the text names no room."""
    if change.before is not None and rooms.key(change.before.location) == rooms.key(text):
        return None
    room = rows.room_named(change.store, text)
    return str(room["name"]) if room is not None and not room["active"] else None
