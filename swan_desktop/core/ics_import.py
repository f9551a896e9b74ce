"""Planning an .ics import: which events become sessions or blocked time for a
trainer, and which of them would clash with the schedule (the preview the
user confirms before anything is sent).

The preview is the truth. An all-day event becomes one row per day of the
studio's calendar (a 25-hour day, when the clocks go back, two rows: a session
lasts at most 24 hours); a timed event longer than 24 hours, and a session
outside the trainer's working hours (which the server would refuse), are
refused in the preview with their reason. A file Swan Desktop exported keeps each session's
trainer, type, room, client and status, and a session it names that this
studio still has is updated rather than created again. Applying is
all-or-nothing: when the server refuses one row, what this import created is
deleted again and what it changed is put back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.availability import Hours, outside_hours
from ..domain.ics import IcsEvent, ParsedCalendar, SwanFields, parse_calendar
from ..domain.overlap import Clash, find_clashes
from ..protocol.entities import Session, Status
from ..protocol.errors import ErrorCode, ProtocolError
from ..protocol.timefmt import format_ts
from . import wallclock
from .actions import ScheduleActions
from .directory import Directory
from .schedule import ScheduleStore

AS_BLOCKED = "blocked"
AS_SESSIONS = "sessions"
LONGEST = timedelta(hours=24)


@dataclass(frozen=True)
class ImportItem:
    event: IcsEvent  # one row: for an all-day event, one day of it (its own start and end)
    clashes: tuple[Clash, ...]
    fields: dict[str, Any] = field(default_factory=dict, compare=False)
    problem: str = ""  # why the row cannot be imported, in words ("" when it can)
    updates: Session | None = None  # the session a re-imported Swan export changes
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.clashes and not self.problem


@dataclass
class ImportPlan:
    calendar: ParsedCalendar
    trainer_id: int
    mode: str
    items: list[ImportItem]

    @property
    def clashing(self) -> list[ImportItem]:
        return [i for i in self.items if not i.ok]

    def fields(self, item: ImportItem) -> dict[str, Any]:
        return dict(item.fields)


class ImportFailed(Exception):
    """The server refused a row; everything this import did was undone (or ``left`` says what not)."""

    def __init__(self, error: ProtocolError, item: ImportItem, left: list[str]) -> None:
        super().__init__(error.message)
        self.error, self.item, self.left = error, item, left

    def __str__(self) -> str:
        when = f"{self.item.event.summary} ({format_ts(self.item.event.start)})"
        undone = ("nothing was imported" if not self.left
                  else "these could not be undone: " + "; ".join(self.left))
        return f"{when} was refused: {self.error.message}. The import was stopped and {undone}."


def plan_import(data: bytes, store: ScheduleStore, trainer_id: int, mode: str,
                studio_tz: tzinfo) -> ImportPlan:
    """Read ``data`` and check every row against the sessions the store holds.

    The caller loads the calendar's date range into the store first, so the
    clash report covers it.
    """
    if mode not in (AS_BLOCKED, AS_SESSIONS):
        raise ValueError(f"unknown import mode {mode!r}")
    calendar = parse_calendar(data, studio_tz)
    rows = [row for event in calendar.events for row in _rows(event, studio_tz)]
    # The sessions this file updates are not clashes of its own rows.
    taken = {e.swan.session_id for e, _ in rows if e.swan is not None and e.swan.session_id is not None}
    items = [_item(row, store, trainer_id, mode, taken, studio_tz) for row in rows]
    return ImportPlan(calendar, trainer_id, mode, items)


def _rows(event: IcsEvent, zone: tzinfo) -> list[tuple[IcsEvent, tuple[str, ...]]]:
    """An all-day event as one row per local day; anything else as itself."""
    if not event.all_day:
        return [(event, ())]
    rows: list[tuple[IcsEvent, tuple[str, ...]]] = []
    day, last = wallclock.local_day(event.start, zone), wallclock.local_day(event.end, zone)
    total = (last - day).days
    for n in range(total):
        start = wallclock.to_utc(wallclock.day_start(day, zone))
        end = wallclock.to_utc(wallclock.day_end(day, zone))
        note = (f"day {n + 1} of {total}",) if total > 1 else ()
        if end - start > LONGEST:  # the clocks go back: two halves of at most 24 hours
            middle = wallclock.to_utc(wallclock.at_hour(day, 12, zone))
            both = (*note, "the clocks go back this day: imported as two parts")
            rows += [(_span(event, start, middle), both), (_span(event, middle, end), both)]
        else:
            rows.append((_span(event, start, end), note))
        day += timedelta(days=1)
    return rows


def _span(event: IcsEvent, start: datetime, end: datetime) -> IcsEvent:
    return IcsEvent(uid=event.uid, summary=event.summary, start=start, end=end, all_day=True,
                    location=event.location, description=event.description, occurrence=event.occurrence,
                    notes=event.notes, swan=event.swan)


def _item(row: tuple[IcsEvent, tuple[str, ...]], store: ScheduleStore, trainer_id: int,
          mode: str, taken: set[int], zone: tzinfo) -> ImportItem:
    event, notes = row
    fields = _fields(event, store.directory, trainer_id, mode)
    status = Status(fields["status"])
    target = int(fields["trainer_id"])
    existing = store.get(event.swan.session_id) if event.swan and event.swan.session_id else None
    problem = ""
    if event.end - event.start > LONGEST:
        problem = "lasts longer than 24 hours: a session cannot, so it is left out"
    elif status not in (Status.BLOCKED, Status.CANCELLED):
        problem = _outside_hours(store.directory, target, event, zone)
    candidate = Session(id=existing.id if existing else 0, start=event.start, end=event.end,
                        trainer_id=target, status=status, location=str(fields.get("location") or ""))
    clashes = tuple(c for c in find_clashes(candidate, store.between(event.start, event.end),
                                            store.directory.rooms_at_once())
                    if c.other.trainer_id == target and c.other.id not in taken)
    if existing is not None:
        notes += (f"updates the session already in the schedule (#{existing.id})",)
    return ImportItem(event, clashes, fields, problem, existing, event.notes + notes)


def _outside_hours(directory: Directory, trainer_id: int, event: IcsEvent, zone: tzinfo) -> str:
    """Why the server would refuse a session then (the trainer's working hours), or ""."""
    trainer = directory.trainers.get(trainer_id)
    if trainer is None or not trainer.hours or not isinstance(zone, ZoneInfo):
        return ""
    weekly: dict[int, tuple[Hours, ...]] = {}
    for weekday, start, end in trainer.hours:
        span = Hours(time.fromisoformat(start), time.fromisoformat(end))
        weekly[weekday] = (*weekly.get(weekday, ()), span)
    if not outside_hours(weekly, event.start, event.end, zone):
        return ""
    return f"outside {trainer.name}'s working hours: the server would refuse it, so it is left out"


def _fields(event: IcsEvent, directory: Directory, trainer_id: int, mode: str) -> dict[str, Any]:
    base: dict[str, Any] = {"start": format_ts(event.start), "end": format_ts(event.end)}
    swan = event.swan
    if mode == AS_BLOCKED:
        return {**base, "trainer_id": trainer_id, "status": Status.BLOCKED.value,
                "notes": event.summary[:2000], "client_name": ""}
    if swan is None:
        notes = "\n".join(p for p in (event.summary, event.description) if p)
        return {**base, "trainer_id": trainer_id, "status": Status.SCHEDULED.value, "notes": notes[:2000],
                "client_name": event.summary[:200], "location": event.location[:200] or None}
    return {**base, **_swan_values(swan, event, directory, trainer_id)}


def _swan_values(swan: SwanFields, event: IcsEvent, directory: Directory, fallback: int) -> dict[str, Any]:
    """A Swan export's own values: ids this studio knows, else names it knows, else the chosen trainer."""
    trainer = swan.trainer_id if swan.trainer_id in directory.trainers else \
        next((t.id for t in directory.trainers.values() if t.name == swan.trainer_name), fallback)
    type_id = swan.session_type_id if swan.session_type_id in directory.session_types else \
        next((t.id for t in directory.session_types.values() if t.name == swan.session_type_name), None)
    client = swan.client_id if swan.client_id in directory.clients else None
    status = swan.status if swan.status in {s.value for s in Status} else Status.SCHEDULED.value
    return {"trainer_id": trainer, "session_type_id": type_id, "status": status,
            "client_id": client, "client_name": swan.client_name[:200] or None,
            "location": event.location[:200] or None, "notes": swan.notes[:2000] or None,
            "cancel_reason": swan.cancel_reason[:2000] or None}


async def apply_plan(plan: ImportPlan, actions: ScheduleActions,
                     include: Sequence[ImportItem] | None = None) -> list[Session]:
    """Create (or update) the chosen rows (by default every importable one), in time order.

    All or nothing: if the server refuses one, what was done is undone and
    :class:`ImportFailed` says which row and why.
    """
    chosen = [i for i in (include if include is not None else plan.items) if i.ok]
    done: list[tuple[ImportItem, Session]] = []
    for item in sorted(chosen, key=lambda i: i.event.start):
        try:
            if item.updates is not None:
                current = item.updates
                made = await actions.update_session(current.id, current.version, item.fields,
                                                    allow_overlap=True)
            else:
                made = await actions.create_session(item.fields)
        except ProtocolError as exc:
            raise ImportFailed(exc, item, await _undo(done, actions)) from exc
        done.append((item, made))
    return [s for _, s in done]


async def _undo(done: list[tuple[ImportItem, Session]], actions: ScheduleActions) -> list[str]:
    left: list[str] = []
    for item, made in reversed(done):
        try:
            if item.updates is None:
                await actions.delete_session(made.id, made.version)
            else:
                before = item.updates
                await actions.update_session(made.id, made.version, _wire(before), allow_overlap=True)
        except ProtocolError as exc:
            if exc.code is not ErrorCode.NOT_FOUND:
                left.append(f"{item.event.summary} ({format_ts(item.event.start)}): {exc.message}")
    return left


def _wire(s: Session) -> dict[str, Any]:
    return {"start": format_ts(s.start), "end": format_ts(s.end), "trainer_id": s.trainer_id,
            "client_id": s.client_id, "client_name": s.client_name or None, "location": s.location or None,
            "session_type_id": s.session_type_id, "status": s.status.value, "notes": s.notes or None,
            "cancel_reason": s.cancel_reason or None}
