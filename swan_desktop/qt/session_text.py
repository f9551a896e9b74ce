"""Words for sessions: local times, client labels, initials and tooltips."""

from __future__ import annotations

import html
from datetime import date, datetime, tzinfo

from ..core.directory import Directory
from ..core.groups import group_of
from ..core.wallclock import in_zone, local_zone
from ..protocol.entities import Session, Status
from .style import status_label


def local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """An aware moment on the wall clock of ``zone`` (schedule times: ``directory.zone``);
    this computer's zone when none is given (when something happened, not when it is booked)."""
    return in_zone(moment, zone if zone is not None else local_zone())


def hm(moment: datetime, zone: tzinfo | None = None) -> str:
    t = local(moment, zone)
    return f"{t.hour:02d}:{t.minute:02d}"


def time_range(s: Session, zone: tzinfo | None = None) -> str:
    return f"{hm(s.start, zone)}–{hm(s.end, zone)}"


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def client_label(s: Session, directory: Directory) -> str:
    """Who the session is with (a group session: its places, "Group 3/6"), or what the slot
    is when nobody is."""
    group = group_of(s)
    if group is not None:
        return f"Group {group.label()}"
    if s.client_name:
        return s.client_name
    if s.client_id is not None and s.client_id in directory.clients:
        return directory.clients[s.client_id].name
    if s.status is Status.BLOCKED:
        return "Blocked"
    if s.status is Status.AVAILABLE:
        return "Open slot"
    return "No client"


def delete_question(s: Session, directory: Directory) -> str:
    """The question before a session is deleted."""
    day = short_date(local(s.start, directory.zone).date())
    return (f"Delete the session with {client_label(s, directory)} on {day}? Edit ▸ Undo books it "
            "again as a new session; its history stays in the activity feed.")


def initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


def details(s: Session, directory: Directory) -> list[tuple[str, str]]:
    """Label/value pairs describing everything a user may want to know."""
    zone = directory.zone
    start = local(s.start, zone)
    rows = [
        ("Client", client_label(s, directory)),
        ("Trainer", directory.trainer_name(s.trainer_id)),
        ("When", f"{short_date(start.date())}, {time_range(s, zone)} ({s.duration_min} min)"),
        ("Type", directory.type_name(s.session_type_id) or "—"),
        ("Location", s.location or "—"),
        ("Status", status_label(s.status)),
    ]
    if s.notes:
        rows.append(("Notes", s.notes))
    if s.cancel_reason:
        rows.append(("Cancel reason", s.cancel_reason))
    return rows


def tooltip_html(s: Session, directory: Directory) -> str:
    rows = "".join(
        f"<tr><td style='color:#5f6b7a;padding-right:8px'>{html.escape(k)}</td>"
        f"<td>{html.escape(v)}</td></tr>"
        for k, v in details(s, directory)
    )
    return f"<table>{rows}</table>"


def booking_words(s: Session, directory: Directory) -> str:
    """"Ava Patel with Jonah Brooks, Wed 12 Mar 10:00": a session in a status message."""
    zone = directory.zone
    start = local(s.start, zone)
    return (f"{client_label(s, directory)} with {directory.trainer_name(s.trainer_id)}, "
            f"{short_date(start.date())} {hm(s.start, zone)}")


def spoken_summary(s: Session, directory: Directory) -> str:
    """"Ava Patel, personal training with Jonah Brooks, 10:00 to 11:00, confirmed": what a
    screen reader says for a session."""
    zone = directory.zone
    kind = directory.type_name(s.session_type_id).lower() or "session"
    return (f"{client_label(s, directory)}, {kind} with {directory.trainer_name(s.trainer_id)}, "
            f"{hm(s.start, zone)} to {hm(s.end, zone)}, {status_label(s.status).lower()}")
