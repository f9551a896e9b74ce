"""Sessions out to iCalendar (RFC 5545), in a shape any calendar reads and
Swan Desktop reads back whole.

Standard properties carry what they can: LOCATION (the room), STATUS
(CONFIRMED, TENTATIVE or CANCELLED), CATEGORIES (the session type), ORGANIZER
(the trainer) and ATTENDEE (the client), each with its name as CN. What has
no standard property travels as ``X-SWAN-*``: the exact status, the ids and
the raw notes. A session's DTSTAMP is its last change, so an unchanged session
is written byte for byte the same every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

import icalendar

from ..protocol.entities import Session, Status

PRODID = "-//Swan Studios//Swan Desktop//EN"
UID_SUFFIX = "@swan-desktop"

_STATUS = {Status.CANCELLED: "CANCELLED", Status.REQUESTED: "TENTATIVE", Status.AVAILABLE: "TENTATIVE"}


def session_uid(session_id: int) -> str:
    return f"session-{session_id}{UID_SUFFIX}"


def _person(kind: str, ident: int | None, name: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"urn:x-swan:{kind}:{ident if ident is not None else 0}")
    address.params["CN"] = icalendar.vText(name)
    return address


def export_sessions(sessions: Iterable[Session], *, calendar_name: str,
                    trainer_name: Callable[[int], str], type_name: Callable[[int | None], str],
                    now: datetime | None = None, refresh: timedelta | None = None) -> bytes:
    """The sessions as one calendar; ``refresh`` says how often a subscriber should look again
    (REFRESH-INTERVAL, RFC 7986, and X-PUBLISHED-TTL, which Outlook reads)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar_name)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(refresh).to_ical().decode())
    stamp = now or datetime.now(UTC)
    for s in sessions:
        cal.add_component(_event(s, trainer_name, type_name, stamp))
    return bytes(cal.to_ical())


def _event(s: Session, trainer_name: Callable[[int], str], type_name: Callable[[int | None], str],
           stamp: datetime) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", session_uid(s.id))
    ev.add("dtstamp", (s.updated_at or stamp).astimezone(UTC))
    ev.add("dtstart", s.start.astimezone(UTC))
    ev.add("dtend", s.end.astimezone(UTC))
    type_text = type_name(s.session_type_id) if s.session_type_id is not None else ""
    kind = "Blocked" if s.status is Status.BLOCKED else (type_text or "Session")
    who = s.client_name or ("Open slot" if s.status is Status.AVAILABLE else "")
    trainer = trainer_name(s.trainer_id)
    ev.add("summary", " – ".join(p for p in (who, kind) if p) + f" ({trainer})")
    if s.location:
        ev.add("location", s.location)
    notes = "\n".join(p for p in (s.notes, f"Cancelled: {s.cancel_reason}" if s.cancel_reason else "") if p)
    if notes:
        ev.add("description", notes)
    ev.add("status", _STATUS.get(s.status, "CONFIRMED"))
    if type_text:
        ev.add("categories", [type_text])
    ev.add("organizer", _person("trainer", s.trainer_id, trainer))
    if s.client_name:
        ev.add("attendee", _person("client", s.client_id, s.client_name))
    ev.add("sequence", max(0, s.version - 1))
    if s.updated_at is not None:
        ev.add("last-modified", s.updated_at.astimezone(UTC))
    ev.add("x-swan-status", s.status.value)
    ev.add("x-swan-trainer-id", str(s.trainer_id))
    if s.session_type_id is not None:
        ev.add("x-swan-session-type-id", str(s.session_type_id))
    if s.client_id is not None:
        ev.add("x-swan-client-id", str(s.client_id))
    if s.notes:
        ev.add("x-swan-notes", s.notes)
    if s.cancel_reason:
        ev.add("x-swan-cancel-reason", s.cancel_reason)
    return ev
