"""The HTTP side of a trainer's ICS feed: validators and conditional GETs.

Phones and calendar apps poll a feed every few minutes. Each answer carries
an ``ETag`` (a hash of the calendar; an unchanged schedule is written byte for
byte the same, since each event's DTSTAMP is its session's last change) and a
``Last-Modified`` (the first time this server served that calendar), and an
``If-None-Match`` or ``If-Modified-Since`` that still holds gets a bare 304.
``Cache-Control: private, max-age=0, must-revalidate`` lets a client keep its
copy but ask each time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from ...protocol.timefmt import now_utc

CACHE_CONTROL = "private, max-age=0, must-revalidate"
CALENDAR = "text/calendar; charset=utf-8"


@dataclass
class Validators:
    """The ETag each feed last had, and since when (kept in memory: a restart only costs one full GET)."""

    seen: dict[str, tuple[str, datetime]] = field(default_factory=dict)

    def answer(self, key: str, body: bytes, request: Mapping[str, str],
               now: datetime | None = None) -> tuple[int, str, bytes, dict[str, str]]:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        known = self.seen.get(key)
        if known is None or known[0] != etag:
            known = (etag, (now or now_utc()).replace(microsecond=0))
            self.seen[key] = known
        headers = {"ETag": etag, "Last-Modified": format_datetime(known[1], usegmt=True),
                   "Cache-Control": CACHE_CONTROL}
        if _not_modified(request, etag, known[1]):
            return 304, CALENDAR, b"", headers
        return 200, CALENDAR, body, headers


def _not_modified(request: Mapping[str, str], etag: str, since: datetime) -> bool:
    match = request.get("If-None-Match")
    if match is not None:  # it wins over If-Modified-Since (RFC 9110, 13.2.2)
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag in tags
    stamp = request.get("If-Modified-Since")
    if stamp is None:
        return False
    try:
        asked = parsedate_to_datetime(stamp)
    except (TypeError, ValueError):
        return False
    return asked.tzinfo is not None and since <= asked
