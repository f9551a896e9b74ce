"""iCalendar (RFC 5545) in and out: sessions to .ics (:mod:`.ics_export`), and
.ics files from Google Calendar, Outlook or Apple Calendar to plain events
ready to import.

Reading unfolds lines as bytes before decoding (a fold may split a UTF-8
character), resolves time zones the way the files carry them (IANA names, the
file's own VTIMEZONE blocks as Outlook writes them, UTC; an unknown TZID is
read on the studio's clock and said), turns all-day events into whole local
days in the studio's time zone, and expands recurring events under the
studio's caps (52 occurrences, 12 months), leaving out EXDATEs and putting
moved occurrences (``RECURRENCE-ID`` overrides) at their new time; an
override with STATUS:CANCELLED removes its occurrence. A file Swan Desktop
wrote carries each session's status, trainer, type, client and id
(``X-SWAN-*``), read into :class:`SwanFields`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import icalendar

from .ics_export import PRODID, UID_SUFFIX, export_sessions, session_uid
from .recurrence import MAX_OCCURRENCES, RecurrenceError, expand

__all__ = ["PRODID", "IcsError", "IcsEvent", "ParsedCalendar", "SwanFields", "export_sessions",
           "parse_calendar", "session_uid"]

_FOLD = re.compile(rb"\r?\n[ \t]")
_SWAN_UID = re.compile(r"^session-(\d+)" + re.escape(UID_SUFFIX) + "$")


class IcsError(ValueError):
    """The file cannot be read as iCalendar; the message says why."""


@dataclass(frozen=True)
class SwanFields:
    """What a file Swan Desktop exported says about the session beyond its times."""

    status: str
    session_id: int | None = None
    trainer_id: int | None = None
    trainer_name: str = ""
    session_type_id: int | None = None
    session_type_name: str = ""
    client_id: int | None = None
    client_name: str = ""
    notes: str = ""
    cancel_reason: str = ""


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
    notes: tuple[str, ...] = ()  # what the reader had to decide for this event, in words
    swan: SwanFields | None = None


@dataclass
class ParsedCalendar:
    product: str
    events: list[IcsEvent] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why an event was left out, in words


def parse_calendar(data: bytes, studio_tz: tzinfo) -> ParsedCalendar:
    try:
        text = _FOLD.sub(b"", data).decode("utf-8", errors="replace")
        cal = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as exc:
        raise IcsError(f"this is not an iCalendar file ({exc})") from None
    if cal.name != "VCALENDAR":
        raise IcsError("this is not an iCalendar file (no VCALENDAR)")
    parsed = ParsedCalendar(product=str(cal.get("PRODID", "")))
    overrides: dict[str, list[Any]] = {}
    masters = []
    for ev in cal.walk("VEVENT"):
        if ev.get("RECURRENCE-ID") is not None:
            overrides.setdefault(str(ev.get("UID", "")), []).append(ev)
        else:
            masters.append(ev)
    for ev in masters:
        _guarded(parsed, ev, lambda ev=ev: _read_event(ev, studio_tz, parsed,
                                                       overrides.pop(str(ev.get("UID", "")), [])))
    for orphans in overrides.values():  # a changed occurrence whose series is not in the file
        for ev in orphans:
            _guarded(parsed, ev, lambda ev=ev: _read_event(ev, studio_tz, parsed, []))
    parsed.events.sort(key=lambda e: (e.start, e.summary))
    return parsed


def _guarded(parsed: ParsedCalendar, ev: Any, read: Any) -> None:
    try:
        read()
    except (ValueError, KeyError, TypeError) as exc:
        parsed.skipped.append(f"{_summary(ev)}: cannot be read ({exc})")


def _summary(ev: Any) -> str:
    return str(ev.get("SUMMARY", "")) or "(no title)"


@dataclass(frozen=True)
class _Timing:
    first: datetime  # naive wall time in tz
    length: timedelta
    tz: tzinfo
    all_day: bool
    notes: tuple[str, ...]


def _timing(ev: Any, studio_tz: tzinfo) -> _Timing | None:
    start_value = ev.decoded("DTSTART")
    all_day = not isinstance(start_value, datetime)
    tz = studio_tz if all_day else (start_value.tzinfo or studio_tz)
    notes: tuple[str, ...] = ()
    tzid = ev["DTSTART"].params.get("TZID")
    if not all_day and start_value.tzinfo is None and tzid:
        notes = (f"time zone “{tzid}” is unknown: its times are read on the studio's clock",)
    first = _wall(start_value)
    if ev.get("DTEND") is not None:
        length = _wall(ev.decoded("DTEND")) - first
    elif ev.get("DURATION") is not None:
        length = ev.decoded("DURATION")
    else:
        length = timedelta(days=1) if all_day else timedelta(0)
    if length <= timedelta(0):
        return None
    return _Timing(first, length, tz, all_day, notes)


def _read_event(ev: Any, studio_tz: tzinfo, parsed: ParsedCalendar, overrides: list[Any]) -> None:
    summary = _summary(ev)
    swan = _swan_fields(ev)
    if str(ev.get("STATUS", "")).upper() == "CANCELLED" and swan is None:
        parsed.skipped.append(f"{summary}: cancelled in the calendar it came from")
        return
    timing = _timing(ev, studio_tz)
    if timing is None:
        parsed.skipped.append(f"{summary}: has no length")
        return
    rule = ev.get("RRULE")
    if rule is None:
        parsed.events.append(_event(ev, timing.first, timing, notes=timing.notes, swan=swan))
        return
    try:
        occurrences = expand(_rule_text(rule, timing.tz), timing.first, timing.length, timing.tz,
                             exceptions=_exdates(ev, timing.tz))
    except RecurrenceError as exc:
        parsed.skipped.append(f"{summary}: only the first occurrence imported ({exc})")
        parsed.events.append(_event(ev, timing.first, timing, notes=timing.notes))
        return
    notes = timing.notes + _cut_note(rule, len(occurrences))
    moved = {_instant(o.decoded("RECURRENCE-ID"), timing.tz): o for o in overrides}
    for i, occ in enumerate(occurrences):
        override = moved.pop(occ.start, None)
        if override is None:
            parsed.events.append(_event(ev, occ.local_start.replace(tzinfo=None), timing, i, notes))
            continue
        day = f"{occ.local_start:%a %d %b %H:%M}"
        if str(override.get("STATUS", "")).upper() == "CANCELLED":
            parsed.skipped.append(f"{summary} on {day}: cancelled in the calendar it came from")
            continue
        own = _timing(override, studio_tz)
        if own is None:
            parsed.skipped.append(f"{summary} on {day}: has no length")
            continue
        parsed.events.append(_event(override, own.first, own, i,
                                    notes + own.notes + (f"moved from {day}",)))
    for override in moved.values():  # an occurrence past the caps, or one the rule does not make
        _read_event(override, studio_tz, parsed, [])


def _event(ev: Any, wall_start: datetime, timing: _Timing, occurrence: int = 0,
           notes: tuple[str, ...] = (), swan: SwanFields | None = None) -> IcsEvent:
    start = wall_start.replace(tzinfo=timing.tz).astimezone(UTC)
    # Lengths are wall-clock lengths: an all-day event ends at the next local midnight.
    end = (wall_start + timing.length).replace(tzinfo=timing.tz).astimezone(UTC)
    return IcsEvent(uid=str(ev.get("UID", "")), summary=_summary(ev), start=start, end=end,
                    all_day=timing.all_day, location=str(ev.get("LOCATION", "")),
                    description=str(ev.get("DESCRIPTION", "")), occurrence=occurrence,
                    notes=notes, swan=swan)


def _cut_note(rule: Any, made: int) -> tuple[str, ...]:
    count = rule.get("COUNT")
    endless = not count and not rule.get("UNTIL")
    if endless or (count and int(count[0]) > MAX_OCCURRENCES) or made >= MAX_OCCURRENCES:
        return (f"repeats {'without end' if endless else f'{int(count[0])} times'}: only the first "
                f"{made} occurrences are imported (at most {MAX_OCCURRENCES}, within 12 months)",)
    return ()


def _instant(value: date | datetime, tz: tzinfo) -> datetime:
    """A RECURRENCE-ID as the UTC start of the occurrence it replaces."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _int(ev: Any, name: str) -> int | None:
    raw = ev.get(name)
    try:
        return int(str(raw)) if raw is not None else None
    except ValueError:
        return None


def _cn(ev: Any, name: str) -> str:
    raw = ev.get(name)
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    return str(raw.params.get("CN", "")) if raw is not None else ""


def _swan_fields(ev: Any) -> SwanFields | None:
    status = ev.get("X-SWAN-STATUS")
    if status is None:
        return None
    uid = _SWAN_UID.match(str(ev.get("UID", "")))
    categories = ev.get("CATEGORIES")
    type_name = ""
    if categories is not None:
        first = categories[0] if isinstance(categories, list) else categories
        type_name = str(first.cats[0]) if first.cats else ""
    return SwanFields(status=str(status).lower(), session_id=int(uid.group(1)) if uid else None,
                      trainer_id=_int(ev, "X-SWAN-TRAINER-ID"), trainer_name=_cn(ev, "ORGANIZER"),
                      session_type_id=_int(ev, "X-SWAN-SESSION-TYPE-ID"), session_type_name=type_name,
                      client_id=_int(ev, "X-SWAN-CLIENT-ID"), client_name=_cn(ev, "ATTENDEE"),
                      notes=str(ev.get("X-SWAN-NOTES", "")),
                      cancel_reason=str(ev.get("X-SWAN-CANCEL-REASON", "")))


def _wall(value: date | datetime) -> datetime:
    """A naive local wall time (all-day dates start at midnight)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.combine(value, time())


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
