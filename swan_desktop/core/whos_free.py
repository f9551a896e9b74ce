"""Who is free at a given time: trainers within their working hours with nothing booked.

Reads the directory (working hours are the studio's wall clock, per weekday)
and the schedule store (occupying sessions, blocked time included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from ..domain.overlap import overlaps
from ..protocol.entities import OCCUPYING, Trainer
from .directory import Directory
from .schedule import ScheduleStore
from .wallclock import in_zone


@dataclass(frozen=True, slots=True)
class Availability:
    trainer: Trainer
    free: bool
    why: str


def _works(trainer: Trainer, start: datetime, end: datetime) -> bool | None:
    """Whether the span lies inside the trainer's hours (None when no hours are set)."""
    if not trainer.hours:
        return None
    day = start.weekday()
    a, b = start.time(), end.time() if end.date() == start.date() else time.max
    return any(d == day and time.fromisoformat(lo) <= a and b <= time.fromisoformat(hi)
               for d, lo, hi in trainer.hours)


def availability(directory: Directory, store: ScheduleStore, start: datetime,
                 end: datetime) -> list[Availability]:
    """Every trainer at ``start``–``end`` (aware): free ones first, each with the reason."""
    zone = directory.zone
    local_start, local_end = in_zone(start, zone), in_zone(end, zone)
    sessions = [s for s in store.between(start, end)
                if s.status in OCCUPYING and overlaps(start, end, s.start, s.end)]
    out: list[Availability] = []
    for trainer in directory.sorted_trainers():
        busy = [s for s in sessions if s.trainer_id == trainer.id]
        works = _works(trainer, local_start, local_end)
        if busy:
            first = busy[0]
            what = "blocked time" if first.status.value == "blocked" else (first.client_name or "a session")
            out.append(Availability(trainer, False, f"busy: {what} {in_zone(first.start, zone):%H:%M}–"
                                                    f"{in_zone(first.end, zone):%H:%M}"))
        elif works is False:
            out.append(Availability(trainer, False, "not working then"))
        else:
            out.append(Availability(trainer, True, "free" if works else "free (no working hours set)"))
    out.sort(key=lambda a: not a.free)
    return out
