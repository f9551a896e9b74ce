"""Shape and type validation of request payloads (existence checks live on the server)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .entities import Status
from .errors import invalid
from .timefmt import parse_ts

MAX_TEXT = 2000
MAX_NAME = 200

#: Fields a client may set on a session, and their kinds.
SESSION_FIELDS: dict[str, str] = {
    "start": "time",
    "end": "time",
    "trainer_id": "id",
    "client_id": "id?",
    "client_name": "name",
    "location": "name",
    "session_type_id": "id?",
    "status": "status",
    "notes": "text",
    "cancel_reason": "text",
}


def require_dict(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(f"{field} must be an object", field=field)
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def require_int(value: object, field: str) -> int:
    if not _is_int(value):
        raise invalid(f"{field} must be an integer", field=field)
    assert isinstance(value, int)
    return value


def _check_field(name: str, value: object) -> object:
    kind = SESSION_FIELDS[name]
    if kind == "time":
        return parse_ts(value, name)
    if kind == "id":
        return require_int(value, name)
    if kind == "id?":
        return None if value is None else require_int(value, name)
    if kind == "status":
        try:
            return Status(str(value)) if isinstance(value, str) else Status("?")
        except ValueError:
            allowed = ", ".join(s.value for s in Status)
            raise invalid(f"status must be one of {allowed}", field=name) from None
    limit = MAX_NAME if kind == "name" else MAX_TEXT
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid(f"{name} must be a string", field=name)
    if len(value) > limit:
        raise invalid(f"{name} is longer than {limit} characters", field=name)
    return value


def session_fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate session fields; unknown fields are refused by name.

    With ``partial`` False the result is a complete new session (``start``,
    ``end`` and ``trainer_id`` required, the rest defaulted).
    """
    unknown = sorted(set(data) - set(SESSION_FIELDS))
    if unknown:
        raise invalid(f"unknown session field(s): {', '.join(unknown)}", fields=unknown)
    out = {name: _check_field(name, value) for name, value in data.items()}
    if not partial:
        for required in ("start", "end", "trainer_id"):
            if required not in out:
                raise invalid(f"{required} is required", field=required)
        out.setdefault("client_id", None)
        out.setdefault("client_name", "")
        out.setdefault("location", "")
        out.setdefault("session_type_id", None)
        out.setdefault("status", Status.SCHEDULED)
        out.setdefault("notes", "")
        out.setdefault("cancel_reason", "")
    return out


def check_time_order(start: datetime, end: datetime) -> None:
    if end <= start:
        raise invalid("end must be after start", field="end")
    if (end - start).total_seconds() > 24 * 3600:
        raise invalid("a session cannot last longer than 24 hours", field="end")
