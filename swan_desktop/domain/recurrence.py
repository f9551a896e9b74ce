"""Recurring sessions: expanding an RFC 5545 RRULE into occurrences.

Occurrences keep their local wall-clock time in the studio's time zone across
daylight-saving changes (a 07:00 class stays at 07:00), and a series is capped
as the studio requires: at most 52 occurrences and at most 12 months.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from dateutil.rrule import rrulestr

MAX_OCCURRENCES = 52
MAX_SPAN = timedelta(days=366)
ALLOWED_FREQ = ("DAILY", "WEEKLY", "MONTHLY")


class RecurrenceError(ValueError):
    """The rule cannot be used; the message says why in words."""


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # aware, UTC
    end: datetime    # aware, UTC
    local_start: datetime  # aware, studio time zone


def _check_rule(rule: str) -> str:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = dict(p.split("=", 1) for p in text.upper().split(";") if "=" in p)
    freq = parts.get("FREQ")
    if freq not in ALLOWED_FREQ:
        raise RecurrenceError(f"repeat daily, weekly or monthly (FREQ={freq or 'missing'} is not offered)")
    return text


def expand(rule: str, first_local: datetime, duration: timedelta, tz: tzinfo,
           *, exceptions: Iterable[datetime] = ()) -> list[Occurrence]:
    """Occurrences of ``rule`` starting at the local wall time ``first_local``.

    ``first_local`` is naive (a wall-clock time in ``tz``) or aware in ``tz``.
    ``exceptions`` are local start times (naive, in ``tz``) that were removed
    from the series. Nonexistent local times (the spring-forward gap) move
    forward by the gap, as calendar programs do.
    """
    text = _check_rule(rule)
    start = first_local.replace(tzinfo=None)
    try:
        rrule = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"the repeat rule is not valid: {exc}") from None
    skipped = {e.replace(tzinfo=None) for e in exceptions}
    limit = start + MAX_SPAN
    out: list[Occurrence] = []
    for wall in rrule:
        if len(out) >= MAX_OCCURRENCES or wall > limit:
            break
        if wall in skipped:
            continue
        local = _localize(wall, tz)
        utc_start = local.astimezone(UTC)
        out.append(Occurrence(utc_start, utc_start + duration, local))
    return out


def _localize(wall: datetime, tz: tzinfo) -> datetime:
    """Attach ``tz``; a wall time inside a spring-forward gap moves past the gap."""
    local = wall.replace(tzinfo=tz)
    round_trip = local.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != wall:  # nonexistent: shift by the gap
        before = local.utcoffset() or timedelta(0)
        after = wall.replace(tzinfo=tz, fold=1).utcoffset() or timedelta(0)
        local = (wall + abs(before - after)).replace(tzinfo=tz)
    return local
