"""ISO 8601 UTC timestamps as the protocol writes them: ``2026-11-25T09:30:00Z``."""

from __future__ import annotations

from datetime import UTC, datetime

from .errors import invalid


def now_utc() -> datetime:
    return datetime.now(UTC)


def format_ts(moment: datetime) -> str:
    """Format an aware datetime as UTC with a ``Z`` suffix (seconds precision)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    m = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    if m.year < 1000:  # as strftime writes such years (unpadded)
        return m.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Formatted by hand: strftime (and the replace it needed) cost most of a session's wire form.
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def parse_ts(text: object, field: str = "time") -> datetime:
    """Parse a protocol timestamp; anything else raises ``invalid`` naming the field."""
    if not isinstance(text, str) or not text.endswith("Z"):
        raise invalid(f"{field} must be an ISO 8601 UTC time ending in Z", field=field)
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        raise invalid(f"{field} is not a valid ISO 8601 time: {text!r}", field=field) from None
    return moment.astimezone(UTC)
