"""How long the server keeps what only looks back: notifications and the activity feed.

``serve --keep-notifications-days`` (default 180) and ``--keep-activity-days``
(default 365); the server's prune loop drops what is older every ten minutes.
Sessions, chat and the event log have their own rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..protocol.timefmt import format_ts
from .collab import activity
from .notifications import records
from .store import Store


@dataclass(frozen=True)
class Retention:
    notifications_days: int = 180
    activity_days: int = 365

    def __post_init__(self) -> None:
        if self.notifications_days < 1 or self.activity_days < 1:
            raise ValueError("retention must be at least one day")


def prune_old(store: Store, retention: Retention, now: datetime) -> tuple[int, int]:
    """(notifications, activity entries) dropped as older than ``retention`` at ``now``."""
    notes = records.prune(store, format_ts(now - timedelta(days=retention.notifications_days)))
    entries = activity.prune(store, format_ts(now - timedelta(days=retention.activity_days)))
    return notes, entries
