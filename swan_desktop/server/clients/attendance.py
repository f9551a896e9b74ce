"""``session.checkin`` with the ``client_id`` of a group session's other client: that client's
attendance, on their own place.

The session's own client (or no ``client_id``) is the calendar's step, which
records it on the session itself; this step runs before it and leaves those
alone. Credits do not move here: each client's are spent once when the session
is completed (``bookings.updated``, the calendar's ``credits.charge``).
"""

from __future__ import annotations

from ...protocol.errors import invalid
from ..calendar.messages import CheckIn
from ..pipeline import Change
from . import bookings, groups


def checkin(change: Change) -> None:
    msg, session = change.msg, change.before
    assert isinstance(msg, CheckIn) and session is not None
    if msg.client_id is None or msg.client_id == session.client_id:
        return
    previous = groups.members(change.store, session)
    if not groups.set_attendance(change.store, session.id, msg.client_id, msg.attendance):
        raise invalid(f"client {msg.client_id} is not booked on session {session.id}", field="client_id")
    bookings.store_session(change, session, session, previous)
