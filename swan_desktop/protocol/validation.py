"""Checks of session values that are not about shape (shapes are the messages' job, see
:mod:`.messages`), and the session fields as the desktop reads them before sending a change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .errors import invalid
from .messages import MAX_NAME, MAX_TEXT, SessionCreate, SessionFields, decode

__all__ = ["MAX_NAME", "MAX_TEXT", "check_time_order", "session_fields"]


def session_fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Session fields as values (times parsed); unknown fields are refused by name.

    With ``partial`` False the result is a complete new session (``start``,
    ``end`` and ``trainer_id`` required, the rest defaulted).
    """
    if partial:
        return decode(SessionFields, data).values()
    return decode(SessionCreate, data).session_values()


def check_time_order(start: datetime, end: datetime) -> None:
    if end <= start:
        raise invalid("end must be after start", field="end")
    if (end - start).total_seconds() > 24 * 3600:
        raise invalid("a session cannot last longer than 24 hours", field="end")
