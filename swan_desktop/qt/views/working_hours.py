"""Which stretches of a local day fall outside a trainer's working hours.

Hours are kept in the studio's time zone; the views draw in this computer's
local time, so each working window is converted before it is shaded around.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from ...domain.availability import Hours, working_windows
from ...protocol.entities import Trainer

DAY_MINUTES = 24 * 60


def weekly(trainer: Trainer) -> dict[int, tuple[Hours, ...]]:
    out: dict[int, list[Hours]] = {}
    for weekday, start, end in trainer.hours:
        out.setdefault(weekday, []).append(Hours(time.fromisoformat(start), time.fromisoformat(end)))
    return {day: tuple(h) for day, h in out.items()}


def off_hours(trainer: Trainer | None, day: date, studio_zone: str) -> tuple[tuple[float, float], ...]:
    """Local minute ranges of ``day`` outside the trainer's hours; () when no hours are set."""
    if trainer is None or not trainer.hours:
        return ()
    try:
        zone = ZoneInfo(studio_zone) if studio_zone else None
    except (KeyError, ValueError):
        zone = None
    if zone is None:
        return ()
    midnight = datetime.combine(day, time()).astimezone()
    windows = []
    # A studio day can straddle two local days: look at the neighbours too.
    for offset in (-1, 0, 1):
        studio_day = date.fromordinal(day.toordinal() + offset)
        for start, end in working_windows(weekly(trainer), studio_day, zone):
            lo = (start - midnight).total_seconds() / 60
            hi = (end - midnight).total_seconds() / 60
            if hi > 0 and lo < DAY_MINUTES:
                windows.append((max(0.0, lo), min(float(DAY_MINUTES), hi)))
    gaps, cursor = [], 0.0
    for lo, hi in sorted(windows):
        if lo > cursor:
            gaps.append((cursor, lo))
        cursor = max(cursor, hi)
    if cursor < DAY_MINUTES:
        gaps.append((cursor, float(DAY_MINUTES)))
    return tuple(gaps)
