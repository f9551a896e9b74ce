"""Which sessions would clash: a trainer or a room in two overlapping sessions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ..protocol.entities import OCCUPYING, Session, Status
from . import rooms

DOUBLE_BOOKING = "double-booking"
TRAINER_UNAVAILABLE = "trainer-unavailable"
TIME_OVERLAP = "time-overlap"

_SEVERITY = {TRAINER_UNAVAILABLE: "medium", DOUBLE_BOOKING: "high", TIME_OVERLAP: "medium"}


@dataclass(frozen=True, slots=True)
class Clash:
    reason: str
    other: Session

    @property
    def severity(self) -> str:
        return _SEVERITY[self.reason]


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: a session ending at 10:00 does not clash with one starting then."""
    return a_start < b_end and b_start < a_end


def find_clashes(candidate: Session, others: Iterable[Session],
                 at_once: Mapping[str, int] | None = None) -> list[Clash]:
    """Clashes of ``candidate`` with ``others`` (sessions other than itself).

    A cancelled candidate clashes with nothing. A trainer meeting their own
    blocked time is ``trainer-unavailable``; two sessions of one trainer are a
    ``double-booking``; sessions in one room are a ``time-overlap`` when more of
    them would run in it at one moment than it holds: ``at_once`` maps a room's
    key (:func:`.rooms.key`) to the sessions it holds at the same time (a gym floor
    several trainers share), 1 for a room it does not name.
    """
    if candidate.status not in OCCUPYING:
        return []
    clashes: list[Clash] = []
    in_room: list[Session] = []
    room = rooms.key(candidate.location)  # as rooms are matched: "studio a " is Studio A
    for other in others:
        if other.id == candidate.id or other.status not in OCCUPYING:
            continue
        if not overlaps(candidate.start, candidate.end, other.start, other.end):
            continue
        if other.trainer_id == candidate.trainer_id:
            blocked = Status.BLOCKED in (other.status, candidate.status)
            clashes.append(Clash(TRAINER_UNAVAILABLE if blocked else DOUBLE_BOOKING, other))
        elif room and rooms.key(other.location) == room:
            if Status.BLOCKED in (other.status, candidate.status):
                continue  # a trainer's time off does not hold a room
            in_room.append(other)
    holds = (at_once or {}).get(room, 1)
    if in_room and most_at_once(candidate, in_room) + 1 > holds:
        clashes.extend(Clash(TIME_OVERLAP, other) for other in in_room)
    return clashes


def most_at_once(candidate: Session, others: list[Session]) -> int:
    """The most of ``others`` (each overlapping ``candidate``) running at one moment of it."""
    edges = sorted([(max(o.start, candidate.start), 1) for o in others]
                   + [(min(o.end, candidate.end), -1) for o in others])  # an end before a start
    running = most = 0
    for _at, step in edges:
        running += step
        most = max(most, running)
    return most


def overfull(spans: list[tuple[int, datetime, datetime]], holds: int) -> set[int]:
    """Of ``spans`` (``(id, start, end)``: one room's sessions), the ids of those running at a
    moment when more than ``holds`` run there at once (a room's number lowered under its bookings)."""
    edges = sorted([(start, 1, sid) for sid, start, _end in spans]
                   + [(end, -1, sid) for sid, _start, end in spans])  # an end before a start
    running: set[int] = set()
    over: set[int] = set()
    for _at, step, sid in edges:
        if step < 0:
            running.discard(sid)
            continue
        running.add(sid)
        if len(running) > holds:
            over |= running
    return over


def describe_all(clashes: list[Clash], trainer_name: str, tz: tzinfo | None = None) -> list[str]:
    """Each clash in words, a room's in one line when several sessions fill it (a floor holding
    three: "Gym floor is full between …: 3 sessions are booked there", not three lines that it is
    taken)."""
    in_room = [c for c in clashes if c.reason == TIME_OVERLAP]
    lines = [describe(c, trainer_name, tz) for c in clashes if c.reason != TIME_OVERLAP]
    if len(in_room) == 1:
        lines.append(describe(in_room[0], trainer_name, tz))
    elif in_room:
        first = min(c.other.start for c in in_room)
        last = max(c.other.end for c in in_room)
        start, end = (first.astimezone(tz), last.astimezone(tz)) if tz else (first, last)
        when = f"{start:%a %d %b %H:%M}–{end:%H:%M}" + ("" if tz else " UTC")
        lines.append(f"{in_room[0].other.location} is full between {when}: {len(in_room)} sessions "
                     "are booked there")
    return lines


def describe(clash: Clash, trainer_name: str, tz: tzinfo | None = None) -> str:
    """The clash in words; times in ``tz`` when given (a desktop's), else in UTC."""
    start, end = (clash.other.start.astimezone(tz), clash.other.end.astimezone(tz)) if tz else \
        (clash.other.start, clash.other.end)
    when = f"{start:%a %d %b %H:%M}–{end:%H:%M}" + ("" if tz else " UTC")
    if clash.reason == TRAINER_UNAVAILABLE and clash.other.status is Status.BLOCKED:
        return f"{trainer_name} is unavailable (blocked time {when})"
    if clash.reason in (DOUBLE_BOOKING, TRAINER_UNAVAILABLE):  # the other is a booking
        who = clash.other.client_name or "another session"
        return f"{trainer_name} already has {who} at {when}"
    return f"{clash.other.location} is taken by another session at {when}"
