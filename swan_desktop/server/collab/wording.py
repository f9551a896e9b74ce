"""How a change to a session reads in the activity feed and in system chat messages."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from ...protocol.timefmt import parse_ts

FIELD_NAMES = {
    "start": "start", "end": "end", "trainer_id": "trainer", "client_id": "client",
    "client_name": "client name", "location": "room", "session_type_id": "type",
    "status": "status", "notes": "notes", "cancel_reason": "cancel reason",
}


def clock(value: Any) -> str:
    """``HH:MM`` in the server's local time (the studio's clock)."""
    try:
        return parse_ts(value, "time").astimezone().strftime("%H:%M")
    except Exception:  # noqa: BLE001 - wording must never fail a change
        return str(value)


def _whose(session: Mapping[str, Any]) -> str:
    name = session.get("client_name")
    return f"{name}'s" if name else "the"


def describe_update(actor: str, before: Mapping[str, Any], after: Mapping[str, Any],
                    changed: Collection[str]) -> str:
    """One line such as ``Ana moved Tom's 10:00 to 11:00``."""
    whose, at = _whose(before), clock(before.get("start"))
    if "start" in changed:
        return f"{actor} moved {whose} {at} to {clock(after.get('start'))}"
    if "status" in changed:
        return f"{actor} set {whose} {at} to {after.get('status')}"
    if "trainer_id" in changed:
        return f"{actor} gave {whose} {at} to another trainer"
    names = ", ".join(FIELD_NAMES.get(f, f) for f in changed)
    return f"{actor} changed the {names} of {whose} {at}"


def describe_created(actor: str, session: Mapping[str, Any]) -> str:
    return f"{actor} booked {_whose(session)} {clock(session.get('start'))}".replace("booked the", "added a")


def describe_deleted(actor: str, session: Mapping[str, Any]) -> str:
    return f"{actor} deleted {_whose(session)} {clock(session.get('start'))}"


def day_of(session: Mapping[str, Any]) -> str:
    """The schedule day of a session (its start date in UTC); its chat room is ``day:`` + this."""
    return str(session.get("start", ""))[:10]
