"""Which stretches of a grid's day fall outside a trainer's working hours.

Hours are kept in the studio's time zone; the grids draw on the wall clock of
their own zone (the studio's when known, else this computer's), so each
working window is converted to that wall clock before it is shaded around.
"""

from __future__ import annotations

from datetime import date, time, timedelta, tzinfo

from ...core.wallclock import DAY_MINUTES, wall_span, zone_named
from ...domain.availability import Hours, working_windows
from ...protocol.entities import Trainer


def weekly(trainer: Trainer) -> dict[int, tuple[Hours, ...]]:
    out: dict[int, list[Hours]] = {}
    for weekday, start, end in trainer.hours:
        out.setdefault(weekday, []).append(Hours(time.fromisoformat(start), time.fromisoformat(end)))
    return {day: tuple(h) for day, h in out.items()}


def off_hours(trainer: Trainer | None, day: date, studio_zone: str,
              shown_in: tzinfo) -> tuple[tuple[float, float], ...]:
    """Wall-clock minute ranges (in ``shown_in``) of ``day`` outside the trainer's hours.

    () when no hours are set or the studio's zone is not known.
    """
    if trainer is None or not trainer.hours:
        return ()
    zone = zone_named(studio_zone)
    if zone is None:
        return ()
    windows = []
    # A studio day can straddle two days of another zone: look at the neighbours too.
    for offset in (-1, 0, 1):
        studio_day = day + timedelta(days=offset)
        for start, end in working_windows(weekly(trainer), studio_day, zone):
            lo, hi = wall_span(start, end, day, shown_in)
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
