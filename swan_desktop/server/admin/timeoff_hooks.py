"""``timeoff.add`` / ``timeoff.remove`` and the ownership rule they share with ``availability.set``:
an admin may change any trainer's hours and time off, a trainer only those of the trainer their
account is linked to (read from the store, so a link changed since sign-in counts)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from ...protocol.entities import Role
from ...protocol.errors import ErrorCode, ProtocolError, not_found
from ...protocol.messages import Message
from ...protocol.timefmt import format_ts
from ..calendar import studio as calendar_studio
from ..calendar.hours import UNCHECKED
from ..calendar.messages import AvailabilitySet
from ..pipeline import Change
from ..store import Store
from ..tables import sessions
from . import rows, timeoff, week
from .messages import ById, TimeOffAdd

_LOADED = "admin.time_off"


def load(change: Change) -> None:
    msg = change.msg
    assert isinstance(msg, ById)
    found = timeoff.get(change.store, msg.id)
    if found is None:
        raise not_found(f"no time off with id {msg.id}", field="id")
    change.notes[_LOADED] = found


def _trainer_of(change: Change) -> int:
    msg: Message = change.msg
    if isinstance(msg, TimeOffAdd | AvailabilitySet):
        return msg.trainer_id
    return int(change.notes[_LOADED]["trainer_id"])


def own_trainer_only(change: Change) -> None:
    if change.actor.role is Role.ADMIN:
        return
    trainer_id = _trainer_of(change)
    current = change.store.account(change.actor.id)
    if current is None or current.trainer_id != trainer_id:
        raise ProtocolError(ErrorCode.FORBIDDEN,
                            "a trainer may change only their own working hours and time off")


def check_week(change: Change) -> None:
    """Several intervals a day (breaks between them) but none overlapping."""
    assert isinstance(change.msg, AvailabilitySet)
    week.check(change.msg.hours)


def add(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, TimeOffAdd)
    rows.row(store, "trainers", msg.trainer_id)
    first, last = timeoff.parse_span(msg.start, msg.end)
    entry = timeoff.add(store, msg.trainer_id, first, last, msg.reason.strip(), change.actor.id, change.now)
    public = {k: v for k, v in entry.items() if k != "trainer_id"}
    booked = _booked_in(store, msg.trainer_id, first, last, change.now)
    # with the count: the trainer's and the admins' notices say how many sessions to see to
    change.emit("timeoff:added",
                {"trainer_id": msg.trainer_id, "time_off": public, "sessions_booked": booked}, primary=True)
    change.reply = {"time_off": public, "sessions_booked": booked}


def _booked_in(store: Store, trainer_id: int, first: date, last: date, now: datetime) -> int:
    """The trainer's bookings (not blocked or cancelled) still to come on the days of a time off just
    added: they stay booked as they were, and the office is told how many to reassign or cancel."""
    during = booked_during(store, trainer_id, first, last, now)
    count = select(func.count()).select_from(sessions).where(*during)
    return int(store.db.execute(count).scalar() or 0)


def first_booked_in(store: Store, trainer_id: int, first: date, last: date, now: datetime) -> int | None:
    """The earliest of :func:`_booked_in`'s sessions (the notice's "Open the first session")."""
    s = sessions.c
    found = store.db.execute(select(s.id).where(*booked_during(store, trainer_id, first, last, now))
                             .order_by(s.start, s.id).limit(1)).scalar()
    return int(found) if found is not None else None


def booked_during(store: Store, trainer_id: int, first: date, last: date,
                  now: datetime) -> list[ColumnElement[bool]]:
    zone = calendar_studio.zone(store)
    begins = datetime.combine(first, time(), zone).astimezone(UTC)
    ends = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    s = sessions.c
    return [s.trainer_id == trainer_id, s.start < format_ts(ends), s.end > format_ts(max(begins, now)),
            s.status.not_in([status.value for status in UNCHECKED])]


def remove(change: Change) -> None:
    found = change.notes[_LOADED]
    timeoff.remove(change.store, found["id"])
    change.emit("timeoff:removed", {"trainer_id": found["trainer_id"], "id": found["id"]}, primary=True)
    change.reply = {}
