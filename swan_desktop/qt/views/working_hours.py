"""Which stretches of a grid's day fall outside a trainer's working hours or in
their time off (days away are blocked time, shaded the same way).

Hours are kept in the studio's time zone; the grids draw on the wall clock of
their own zone (the studio's when known, else this computer's), so each
working window is converted to that wall clock before it is shaded around.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from ...core.wallclock import DAY_MINUTES, wall_span, zone_named
from ...domain.availability import Hours, working_windows
from ...protocol.entities import Trainer


def weekly(trainer: Trainer) -> dict[int, tuple[Hours, ...]]:
    out: dict[int, list[Hours]] = {}
    for weekday, start, end in trainer.hours:
        out.setdefault(weekday, []).append(Hours(time.fromisoformat(start), time.fromisoformat(end)))
    return {day: tuple(h) for day, h in out.items()}


def away_on(trainer: Trainer, day: date) -> bool:
    """True when ``day`` (in the studio's zone) falls in one of the trainer's time off."""
    text = day.isoformat()
    return any(t.start <= text <= t.end for t in trainer.time_off)


def away_words(trainer: Trainer | None, day: date) -> str:
    """"Away — reason" for a column header on a day of time off ("" otherwise)."""
    if trainer is None:
        return ""
    text = day.isoformat()
    entry = next((t for t in trainer.time_off if t.start <= text <= t.end), None)
    if entry is None:
        return ""
    return f"Away — {entry.reason}" if entry.reason else "Away"


def _windows(trainer: Trainer, day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    if away_on(trainer, day):
        return []
    if not trainer.hours:  # no hours set: the whole day is open, unless away
        midnight = datetime.combine(day, time(), zone)
        return [(midnight, datetime.combine(day + timedelta(days=1), time(), zone))]
    return working_windows(weekly(trainer), day, zone)


def off_hours(trainer: Trainer | None, day: date, studio_zone: str,
              shown_in: tzinfo) -> tuple[tuple[float, float], ...]:
    """Wall-clock minute ranges (in ``shown_in``) of ``day`` outside the trainer's hours or in
    their time off.

    () when neither hours nor time off are set, or the studio's zone is not known.
    """
    if trainer is None or not (trainer.hours or trainer.time_off):
        return ()
    zone = zone_named(studio_zone)
    if zone is None:
        return ()
    windows = []
    # A studio day can straddle two days of another zone: look at the neighbours too.
    for offset in (-1, 0, 1):
        studio_day = day + timedelta(days=offset)
        for start, end in _windows(trainer, studio_day, zone):
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
