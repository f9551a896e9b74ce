"""Clashes of a session being typed, and nearby free alternatives, from the store.

The session editor asks these while fields change; they read only what the
schedule store already holds (a bisected range), so they are cheap enough to
run after each pause in typing. The server stays the judge when saving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ..domain.overlap import Clash, find_clashes
from ..protocol.entities import Session
from .directory import Directory
from .schedule import ScheduleStore
from .wallclock import in_zone

STEP = timedelta(minutes=15)
#: How far either side of the asked time another time is looked for.
REACH = timedelta(hours=3)
#: Earliest and latest wall-clock hours offered (the studio's day).
FIRST_HOUR, LAST_HOUR = 6, 22
LIMIT = 3


@dataclass(frozen=True, slots=True)
class Alternative:
    """A free variant of the asked booking: another time, or another trainer."""

    start: datetime
    end: datetime
    trainer_id: int
    label: str


def clashes_of(candidate: Session, store: ScheduleStore) -> list[Clash]:
    """What ``candidate`` would clash with among the sessions the store holds."""
    return find_clashes(candidate, store.between(candidate.start, candidate.end),
                        store.directory.rooms_at_once())


def _free(candidate: Session, store: ScheduleStore) -> bool:
    return not clashes_of(candidate, store)


def _within_day(start: datetime, end: datetime, zone: tzinfo, day: object) -> bool:
    a, b = in_zone(start, zone), in_zone(end, zone)
    if a.date() != day or (b.date() != day and not (b.hour == 0 and b.minute == 0)):
        return False
    return a.hour >= FIRST_HOUR and (b.hour, b.minute) <= (LAST_HOUR, 0)


def alternatives(candidate: Session, store: ScheduleStore, directory: Directory,
                 limit: int = LIMIT) -> list[Alternative]:
    """Up to ``limit`` free variants near ``candidate``: the nearest free times for its
    trainer on the same day first, then other trainers free at the asked time."""
    zone = directory.zone
    day = in_zone(candidate.start, zone).date()
    length = candidate.end - candidate.start
    name = directory.trainer_name(candidate.trainer_id)
    times: list[Alternative] = []
    offset = STEP
    while offset <= REACH and len(times) < 2:
        for signed in (offset, -offset):
            start = candidate.start + signed
            moved = candidate.with_changes(start=start, end=start + length)
            if _within_day(moved.start, moved.end, zone, day) and _free(moved, store):
                times.append(Alternative(moved.start, moved.end, candidate.trainer_id,
                                         f"{in_zone(start, zone):%H:%M} with {name}"))
                if len(times) == 2:
                    break
        offset += STEP
    times.sort(key=lambda a: a.start)
    others: list[Alternative] = []
    at = f"{in_zone(candidate.start, zone):%H:%M}"
    for trainer in directory.sorted_trainers():
        if trainer.id == candidate.trainer_id:
            continue
        if _free(candidate.with_changes(trainer_id=trainer.id), store):
            others.append(Alternative(candidate.start, candidate.end, trainer.id,
                                      f"{trainer.name} at {at}"))
    picked = times[:max(1, limit - len(others))] if others else times
    picked = picked + others[:limit - len(picked)]
    return picked[:limit]
