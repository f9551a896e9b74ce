"""Planning an .ics import: which events become sessions or blocked time for a
trainer, and which of them would clash with the schedule (the preview the
user confirms before anything is sent)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from ..domain.ics import IcsEvent, ParsedCalendar, parse_calendar
from ..domain.overlap import Clash, find_clashes
from ..protocol.entities import Session, Status
from ..protocol.timefmt import format_ts
from .actions import ScheduleActions
from .schedule import ScheduleStore

AS_BLOCKED = "blocked"
AS_SESSIONS = "sessions"


@dataclass(frozen=True)
class ImportItem:
    event: IcsEvent
    clashes: tuple[Clash, ...]

    @property
    def ok(self) -> bool:
        return not self.clashes


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
        e = item.event
        status = Status.BLOCKED if self.mode == AS_BLOCKED else Status.SCHEDULED
        parts = (e.summary,) if self.mode == AS_BLOCKED else (e.summary, e.description)
        notes = "\n".join(p for p in parts if p)
        return {"start": format_ts(e.start), "end": format_ts(e.end), "trainer_id": self.trainer_id,
                "status": status.value, "notes": notes[:2000],
                "client_name": "" if self.mode == AS_BLOCKED else e.summary[:200]}


def plan_import(data: bytes, store: ScheduleStore, trainer_id: int, mode: str,
                studio_tz: tzinfo) -> ImportPlan:
    """Read ``data`` and check every event against the sessions the store holds.

    The caller loads the calendar's date range into the store first, so the
    clash report covers it.
    """
    if mode not in (AS_BLOCKED, AS_SESSIONS):
        raise ValueError(f"unknown import mode {mode!r}")
    calendar = parse_calendar(data, studio_tz)
    items = []
    for event in calendar.events:
        status = Status.BLOCKED if mode == AS_BLOCKED else Status.SCHEDULED
        candidate = Session(id=0, start=event.start, end=event.end, trainer_id=trainer_id, status=status)
        clashes = tuple(c for c in find_clashes(candidate, store.between(event.start, event.end))
                        if c.other.trainer_id == trainer_id)
        items.append(ImportItem(event, clashes))
    return ImportPlan(calendar, trainer_id, mode, items)


async def apply_plan(plan: ImportPlan, actions: ScheduleActions,
                     include: Sequence[ImportItem] | None = None) -> list[Session]:
    """Create the chosen items (by default every one without a clash), in time order."""
    chosen = [i for i in (include if include is not None else plan.items) if i.ok]
    made = []
    for item in sorted(chosen, key=lambda i: i.event.start):
        made.append(await actions.create_session(plan.fields(item)))
    return made
