"""Trainer working hours on the server: stored per weekday, read by everyone, set by admins,
and the ``outside-availability`` check a booking must pass."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select

from ...domain.availability import Hours, WeeklyHours, outside_hours
from ...domain.permissions import may_override_overlap
from ...protocol.entities import Session, Status
from ...protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ...protocol.timefmt import format_ts, parse_ts
from ..admin import timeoff
from ..pipeline import Change
from ..store import Account, Store
from ..tables import sessions
from . import studio
from .messages import AvailabilitySet, DayHours
from .tables import trainer_hours

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: Statuses that are not bookings: time off and cancelled sessions may lie outside working hours.
UNCHECKED = frozenset({Status.BLOCKED, Status.CANCELLED})


def weekly(store: Store, trainer_id: int) -> dict[int, tuple[Hours, ...]]:
    out: dict[int, list[Hours]] = {}
    h = trainer_hours.c
    rows = store.db.execute(select(h.weekday, h.start, h.end).where(h.trainer_id == trainer_id)
                            .order_by(h.weekday, h.start)).mappings()
    for row in rows:
        out.setdefault(row["weekday"], []).append(
            Hours(time.fromisoformat(row["start"]), time.fromisoformat(row["end"])))
    return {day: tuple(hours) for day, hours in out.items()}


def to_wire(hours: WeeklyHours) -> list[dict[str, Any]]:
    return [{"weekday": day, "start": h.start.strftime("%H:%M"), "end": h.end.strftime("%H:%M")}
            for day in sorted(hours) for h in hours[day]]


def all_wire(store: Store) -> dict[int, list[dict[str, Any]]]:
    return {t.id: to_wire(weekly(store, t.id)) for t in store.trainers()}


def _parse(items: list[DayHours]) -> list[tuple[int, Hours]]:
    out = []
    for i, item in enumerate(items):
        try:
            hours = Hours(time.fromisoformat(item.start), time.fromisoformat(item.end))
        except ValueError as exc:
            raise invalid(f"hours[{i}]: {exc} (times are HH:MM)", field=f"hours[{i}]") from None
        out.append((item.weekday, hours))
    return out


def set_hours(change: Change) -> None:
    """``availability.set {trainer_id, hours}``: replace the trainer's whole week."""
    msg, store = change.msg, change.store
    assert isinstance(msg, AvailabilitySet)
    trainer_id = msg.trainer_id
    if store.trainer(trainer_id) is None:
        raise not_found(f"unknown trainer_id: {trainer_id}", field="trainer_id")
    parsed = _parse(msg.hours)
    before = weekly(store, trainer_id)
    store.db.execute(delete(trainer_hours).where(trainer_hours.c.trainer_id == trainer_id))
    for day, h in parsed:
        store.db.execute(insert(trainer_hours).values(
            trainer_id=trainer_id, weekday=day, start=h.start.strftime("%H:%M"), end=h.end.strftime("%H:%M")))
    after = weekly(store, trainer_id)
    wire = {"trainer_id": trainer_id, "hours": to_wire(after),
            "sessions_outside": _left_outside(store, trainer_id, before, after, change.now)}
    change.emit("availability:updated", wire, primary=True)
    change.reply = wire


def _left_outside(store: Store, trainer_id: int, before: WeeklyHours, after: WeeklyHours,
                  now: datetime) -> int:
    """The trainer's bookings still to come that the new hours leave outside (and the old did not):
    they stay booked, and the office is told how many to move or reassign."""
    tz = studio.zone(store)
    return sum(1 for _id, start, end in _ahead_outside(store, trainer_id, after, now)
               if not (before and outside_hours(before, start, end, tz)))


def first_outside(store: Store, trainer_id: int, now: datetime) -> int | None:
    """The trainer's earliest booking still to come outside their working hours as they are now
    (the notice's "Open the first session" after the hours changed over bookings)."""
    first = next(_ahead_outside(store, trainer_id, weekly(store, trainer_id), now), None)
    return first[0] if first is not None else None


def _ahead_outside(store: Store, trainer_id: int, hours: WeeklyHours,
                   now: datetime) -> Iterator[tuple[int, datetime, datetime]]:
    """The trainer's bookings (not blocked or cancelled) still to come outside ``hours``, in start
    order: ``(id, start, end)``. None when ``hours`` is empty (a trainer without hours is not
    limited)."""
    if not hours:
        return
    tz = studio.zone(store)
    s = sessions.c
    ahead = store.db.execute(select(s.id, s.start, s.end).where(
        s.trainer_id == trainer_id, s.start > format_ts(now),
        s.status.not_in([status.value for status in UNCHECKED])).order_by(s.start, s.id))
    for session_id, start_text, end_text in ahead:
        start, end = parse_ts(start_text), parse_ts(end_text)
        if outside_hours(hours, start, end, tz):
            yield int(session_id), start, end


def describe(hours: WeeklyHours, day: int) -> str:
    spans = ", ".join(f"{h.start:%H:%M}–{h.end:%H:%M}" for h in hours.get(day, ()))
    return f"{WEEKDAYS[day]}s {spans}" if spans else f"not on {WEEKDAYS[day]}s"


def check(store: Store, session: Session, actor: Account, allow: bool, tz: ZoneInfo,
          label: str = "") -> None:
    """Refuse a booking outside the trainer's working hours or on their time off
    (``conflict``, ``outside-availability``).

    A trainer without any hours set is not limited. An admin may book anyway
    with ``allow_outside_hours`` (or ``allow_overlap``).
    """
    if session.status in UNCHECKED:
        return
    off = timeoff.covering(store, session.trainer_id, session.start, session.end, tz)
    problem = _on_time_off(store, session, off) if off is not None else outside(store, session, tz)
    if problem is None:
        return
    if allow and may_override_overlap(actor.role):
        return
    text = f"{label}{problem}"
    if allow:
        text += " (only an admin may book outside working hours)"
    hours = weekly(store, session.trainer_id)
    data = {"reason": "outside-availability", "message": text, "trainer_id": session.trainer_id,
            "hours": to_wire(hours), "timezone": tz.key}
    if off is not None:
        data["time_off"] = off
    raise ProtocolError(ErrorCode.CONFLICT, text, data)


def _on_time_off(store: Store, session: Session, off: dict[str, Any]) -> str:
    trainer = store.trainer(session.trainer_id)
    name = trainer.name if trainer else f"trainer {session.trainer_id}"
    return f"{name} is on time off then: {timeoff.describe(off)}"


def outside(store: Store, session: Session, tz: ZoneInfo) -> str | None:
    """Why the session lies outside the trainer's hours, or None when it does not."""
    hours = weekly(store, session.trainer_id)
    if not hours or not outside_hours(hours, session.start, session.end, tz):
        return None
    trainer = store.trainer(session.trainer_id)
    name = trainer.name if trainer else f"trainer {session.trainer_id}"
    local: datetime = session.start.astimezone(tz)
    return (f"{name} does not work then ({local:%a %d %b %H:%M}–{session.end.astimezone(tz):%H:%M}); "
            f"working hours: {describe(hours, local.weekday())}")
