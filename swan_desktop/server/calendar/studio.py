"""The studio settings the calendar reads: its time zone and its cancellation policy window."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..collab import settings
from ..store import Store


def local_zone_name() -> str:
    """The server's own IANA zone (``TZ``, then /etc/localtime), or UTC when it cannot be named."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        return name if _valid(name) else "UTC"
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return "UTC"
    marker = "zoneinfo/"
    if marker in target:
        candidate = target.split(marker, 1)[1]
        if _valid(candidate):
            return candidate
    return "UTC"


def _valid(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def zone(store: Store) -> ZoneInfo:
    """The studio's time zone (``timezone`` setting; the server's local zone when unset)."""
    name = settings.read(store).get("timezone") or local_zone_name()
    return ZoneInfo(name) if _valid(name) else ZoneInfo("UTC")


def cancellation_window(store: Store) -> timedelta:
    """How long before the start a cancellation still gives spent credits back."""
    return timedelta(hours=float(settings.read(store).get("cancellation_window_h") or 24))
