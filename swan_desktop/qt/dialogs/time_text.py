"""Reading a time of day as office staff type it: "10", "10:30", "1030", "2pm".

Pure text rules, no Qt: ``parse_time_text`` answers (hour, minute) on the
24-hour clock, or None when the text is not a time.
"""

from __future__ import annotations

import re

_PATTERN = re.compile(
    r"^\s*(?P<h>\d{1,2})(?:\s*[:.h]\s*(?P<m>\d{1,2})|(?P<mm>\d{2}))?\s*(?P<ap>[ap]\.?\s*m?\.?)?\s*$")
_COMPACT = re.compile(r"^\s*(?P<h>\d)(?P<m>\d{2})\s*(?P<ap>[ap]\.?\s*m?\.?)?\s*$")


def parse_time_text(text: str) -> tuple[int, int] | None:
    """(hour, minute) for typed text, or None.

    ``10`` is 10:00, ``930`` and ``0930`` are 09:30, ``1030`` is 10:30,
    ``10.30`` and ``10h30`` are 10:30, ``2pm`` is 14:00, ``12am`` is 00:00.
    """
    text = text.strip().lower()
    if not text:
        return None
    match = _COMPACT.match(text) or _PATTERN.match(text)
    if match is None:
        return None
    hour = int(match.group("h"))
    groups = match.groupdict()
    minute_text = groups.get("m") or groups.get("mm") or "0"
    minute = int(minute_text)
    meridiem = (groups.get("ap") or "")[:1]
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute
