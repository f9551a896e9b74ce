"""iCalendar (RFC 5545) in and out: sessions to .ics, and .ics files from
Google Calendar, Outlook or Apple Calendar to plain events ready to import.

Reading resolves time zones the way the files carry them (IANA names, the
file's own VTIMEZONE blocks as Outlook writes them, UTC), turns all-day events
into whole local days in the studio's time zone, and expands recurring events
under the studio's caps (52 occurrences, 12 months), leaving out EXDATEs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar

from ..protocol.entities import Session, Status
from .recurrence import RecurrenceError, expand

PRODID = "-//Swan Studios//Swan Desktop//EN"

_STATUS = {Status.CANCELLED: "CANCELLED", Status.REQUESTED: "TENTATIVE", Status.AVAILABLE: "TENTATIVE"}


class IcsError(ValueError):
    """The file cannot be read as iCalendar; the message says why."""


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    summary: str
    start: datetime  # aware UTC
    end: datetime    # aware UTC
    all_day: bool = False
    location: str = ""
    description: str = ""
    occurrence: int = 0  # position in its series (0 for a single event)


@dataclass
class ParsedCalendar:
    product: str
    events: list[IcsEvent] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why an event was left out, in words


# -- export -----------------------------------------------------------------------
def export_sessions(sessions: Iterable[Session], *, calendar_name: str,
                    trainer_name: Callable[[int], str], type_name: Callable[[int | None], str],
                    now: datetime | None = None) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar_name)
    stamp = now or datetime.now(UTC)
    for s in sessions:
        ev = icalendar.Event()
        ev.add("uid", f"session-{s.id}@swan-desktop")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", s.start.astimezone(UTC))
        ev.add("dtend", s.end.astimezone(UTC))
        kind = "Blocked" if s.status is Status.BLOCKED else (type_name(s.session_type_id) or "Session")
        who = s.client_name or ("Open slot" if s.status is Status.AVAILABLE else "")
        ev.add("summary", " – ".join(p for p in (who, kind) if p) + f" ({trainer_name(s.trainer_id)})")
        if s.location:
            ev.add("location", s.location)
        notes = "\n".join(p for p in (s.notes, f"Cancelled: {s.cancel_reason}" if s.cancel_reason else "")
                          if p)
        if notes:
            ev.add("description", notes)
        ev.add("status", _STATUS.get(s.status, "CONFIRMED"))
        ev.add("sequence", max(0, s.version - 1))
        if s.updated_at is not None:
            ev.add("last-modified", s.updated_at.astimezone(UTC))
        cal.add_component(ev)
    return bytes(cal.to_ical())


# -- import -----------------------------------------------------------------------
def parse_calendar(data: bytes, studio_tz: tzinfo) -> ParsedCalendar:
    try:
        cal = icalendar.Calendar.from_ical(data)
    except (ValueError, KeyError, IndexError) as exc:
        raise IcsError(f"this is not an iCalendar file ({exc})") from None
    if cal.name != "VCALENDAR":
        raise IcsError("this is not an iCalendar file (no VCALENDAR)")
    parsed = ParsedCalendar(product=str(cal.get("PRODID", "")))
    for ev in cal.walk("VEVENT"):
        summary = str(ev.get("SUMMARY", "")) or "(no title)"
        try:
            _read_event(ev, summary, studio_tz, parsed)
        except (ValueError, KeyError, TypeError) as exc:
            parsed.skipped.append(f"{summary}: cannot be read ({exc})")
    parsed.events.sort(key=lambda e: (e.start, e.summary))
    return parsed


def _read_event(ev: Any, summary: str, studio_tz: tzinfo, parsed: ParsedCalendar) -> None:
    if str(ev.get("STATUS", "")).upper() == "CANCELLED":
        parsed.skipped.append(f"{summary}: cancelled in the calendar it came from")
        return
    if ev.get("RECURRENCE-ID") is not None:
        parsed.skipped.append(f"{summary}: a changed occurrence of a series (the series is imported)")
        return
    start_value = ev.decoded("DTSTART")
    all_day = not isinstance(start_value, datetime)
    tz = studio_tz if all_day else (start_value.tzinfo or studio_tz)
    first = _wall(start_value)
    if ev.get("DTEND") is not None:
        length = _wall(ev.decoded("DTEND")) - first
    elif ev.get("DURATION") is not None:
        length = ev.decoded("DURATION")
    else:
        length = timedelta(days=1) if all_day else timedelta(0)
    if length <= timedelta(0):
        parsed.skipped.append(f"{summary}: has no length")
        return

    def event(wall_start: datetime, occurrence: int = 0) -> IcsEvent:
        return IcsEvent(uid=str(ev.get("UID", "")), summary=summary,
                        start=wall_start.replace(tzinfo=tz).astimezone(UTC),
                        end=_end(wall_start, length, tz), all_day=all_day,
                        location=str(ev.get("LOCATION", "")), description=str(ev.get("DESCRIPTION", "")),
                        occurrence=occurrence)

    rule = ev.get("RRULE")
    if rule is None:
        parsed.events.append(event(first))
        return
    try:
        occurrences = expand(_rule_text(rule, tz), first, length, tz, exceptions=_exdates(ev, tz))
    except RecurrenceError as exc:
        parsed.skipped.append(f"{summary}: only the first occurrence imported ({exc})")
        parsed.events.append(event(first))
        return
    for i, occ in enumerate(occurrences):
        parsed.events.append(event(occ.local_start.replace(tzinfo=None), i))


def _wall(value: date | datetime) -> datetime:
    """A naive local wall time (all-day dates start at midnight)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.combine(value, time())


def _end(wall_start: datetime, length: timedelta, tz: tzinfo) -> datetime:
    # Lengths are wall-clock lengths: an all-day event ends at the next local midnight.
    return (wall_start + length).replace(tzinfo=tz).astimezone(UTC)


def _rule_text(rule: Any, tz: tzinfo) -> str:
    rec = icalendar.vRecur(dict(rule))
    until = rec.get("UNTIL")
    if until:
        u = until[0]
        if isinstance(u, datetime) and u.tzinfo is not None:
            rec["UNTIL"] = [u.astimezone(tz).replace(tzinfo=None)]
    return bytes(rec.to_ical()).decode()


def _exdates(ev: Any, tz: tzinfo) -> list[datetime]:
    raw = ev.get("EXDATE")
    if raw is None:
        return []
    lists = raw if isinstance(raw, list) else [raw]
    out = []
    for item in lists:
        for d in item.dts:
            value = d.dt
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.astimezone(tz)
            out.append(_wall(value))
    return out
