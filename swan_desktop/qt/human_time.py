"""Times as people say them, on this computer's clock: "today 10:42", "yesterday 18:03",
"Mon 3 Mar 10:42" (for when something happened, not when a session is booked)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..core.wallclock import in_zone, local_zone


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def human_time(moment: datetime, now: datetime | None = None, seconds: bool = False) -> str:
    zone = local_zone()
    here = in_zone(moment, zone)
    today = in_zone(now or datetime.now(zone), zone).date()
    clock = f"{here:%H:%M:%S}" if seconds else f"{here:%H:%M}"
    if here.date() == today:
        return f"today {clock}"
    if here.date() == today - timedelta(days=1):
        return f"yesterday {clock}"
    if abs((here.date() - today).days) < 300:
        return f"{here:%a} {here.day} {here:%b} {clock}"
    return f"{here.day} {here:%b %Y} {clock}"


def human_iso(text: str | None, now: datetime | None = None, seconds: bool = False) -> str:
    """``human_time`` of an ISO timestamp; the text itself when it is not one."""
    moment = parse_iso(text)
    return human_time(moment, now, seconds) if moment is not None else (text or "")
