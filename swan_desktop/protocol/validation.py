"""Checks of session values that are not about shape (shapes are the messages' job, see
:mod:`.messages`), and the session fields as the desktop reads them before sending a change."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .errors import invalid
from .messages import MAX_NAME, MAX_TEXT, SessionCreate, SessionFields, check_time_range, decode

__all__ = ["LONGEST_SESSION", "MAX_NAME", "MAX_TEXT", "check_time_order", "session_fields"]

#: The longest a session may last (what a query for sessions overlapping a range relies on).
LONGEST_SESSION = timedelta(hours=24)


def session_fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Session fields as values (times parsed); unknown fields are refused by name.

    With ``partial`` False the result is a complete new session (``start``,
    ``end`` and ``trainer_id`` required, the rest defaulted).
    """
    if partial:
        return decode(SessionFields, data).values()
    return decode(SessionCreate, data).session_values()


def check_time_order(start: datetime, end: datetime) -> None:
    check_time_range(start, "start")
    check_time_range(end, "end")
    if end <= start:
        raise invalid("end must be after start", field="end")
    if end - start > LONGEST_SESSION:
        raise invalid("a session cannot last longer than 24 hours", field="end")
