"""Trainer availability: weekly working hours, and the free slots left in them.

Working hours are local wall-clock times in the studio's time zone, per
weekday (Monday = 0); a weekday without hours is a day off. Busy time is any
occupying session of the trainer, blocked time (time off) included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SNAP = timedelta(minutes=15)


@dataclass(frozen=True)
class Hours:
    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("working hours must end after they start")


WeeklyHours = Mapping[int, tuple[Hours, ...]]


def working_windows(hours: WeeklyHours, day: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The trainer's working windows on a local ``day``, as aware UTC intervals."""
    out = []
    for h in hours.get(day.weekday(), ()):
        start = datetime.combine(day, h.start, tz).astimezone(ZoneInfo("UTC"))
        end = datetime.combine(day, h.end, tz).astimezone(ZoneInfo("UTC"))
        out.append((start, end))
    return out


def outside_hours(hours: WeeklyHours, start: datetime, end: datetime, tz: ZoneInfo) -> bool:
    """True when ``[start, end)`` is not inside one working window (booking warns)."""
    day = start.astimezone(tz).date()
    return not any(ws <= start and end <= we for ws, we in working_windows(hours, day, tz))


def _snap_up(moment: datetime) -> datetime:
    minutes = moment.minute % 15
    if minutes == 0 and moment.second == 0 and moment.microsecond == 0:
        return moment
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=15 - minutes)


def free_slots(hours: WeeklyHours, busy: Iterable[tuple[datetime, datetime]], duration: timedelta,
               first_day: date, last_day: date, tz: ZoneInfo, *, limit: int = 50,
               not_before: datetime | None = None) -> list[tuple[datetime, datetime]]:
    """Free slots of ``duration`` inside working hours, on 15-minute marks, in order.

    ``busy`` holds the trainer's occupying sessions (UTC); ``not_before`` skips
    the past. At most ``limit`` slots are returned.
    """
    taken = sorted(busy)
    out: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day and len(out) < limit:
        for window_start, window_end in working_windows(hours, day, tz):
            cursor = _snap_up(max(window_start, not_before) if not_before else window_start)
            for b_start, b_end in taken:
                if b_end <= cursor or b_start >= window_end:
                    continue
                while cursor + duration <= min(b_start, window_end) and len(out) < limit:
                    out.append((cursor, cursor + duration))
                    cursor += duration
                cursor = _snap_up(max(cursor, b_end))
            while cursor + duration <= window_end and len(out) < limit:
                out.append((cursor, cursor + duration))
                cursor += duration
        day += timedelta(days=1)
    return out
