"""Who is online and doing what (in memory, on the server's loop thread).

One entry per signed-in user. A user's reported activity (``viewing``,
``editing``, ``selecting``, ``dragging``) turns into ``idle`` after
``idle_after`` seconds without a report and ``away`` after ``away_after``
(measured with an injectable clock). Announcements are throttled per user to
``rate`` per second: reports beyond that are coalesced and only the latest is
sent, at most one interval later. A user whose connections have all closed
leaves at once; one that has said nothing (no report, no heartbeat) for
``timeout`` seconds is taken for gone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ACTIVITIES = ("viewing", "editing", "selecting", "dragging")
DERIVED = ("idle", "away")

#: Calm, distinguishable avatar colours; a user's is picked from a hash of the id.
PALETTE = ("#e07a5f", "#3d7ea6", "#81b29a", "#f2a541", "#9c6ade", "#d1495b",
           "#2a9d8f", "#b5838d", "#6d8b3a", "#c9733a", "#4f6d7a", "#8d6cab")


def colour_for(user_id: int) -> str:
    """A stable colour for a user: the same on every server and client."""
    digest = hashlib.sha256(str(user_id).encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


@dataclass(frozen=True)
class Report:
    activity: str = "viewing"
    session_id: int | None = None
    day: str | None = None


@dataclass
class Entry:
    user_id: int
    name: str
    role: str
    report: Report = field(default_factory=Report)
    last_active: float = 0.0     # presence clock: last report
    last_seen: float = 0.0       # loop clock: last sign of life
    shown: str = "viewing"       # the state last announced (activity, idle or away)
    last_sent: float = -1e9      # loop clock: last announcement
    flush_scheduled: bool = False
    last_wire: dict[str, Any] | None = None

    def state(self, now: float, idle_after: float, away_after: float) -> str:
        quiet = now - self.last_active
        if quiet >= away_after:
            return "away"
        if quiet >= idle_after:
            return "idle"
        return self.report.activity

    def to_wire(self, state: str) -> dict[str, Any]:
        return {"user": {"id": self.user_id, "name": self.name, "role": self.role},
                "color": colour_for(self.user_id), "activity": state,
                "session_id": self.report.session_id, "day": self.report.day}


Announce = Callable[[str, dict[str, Any]], None]


class Presence:
    """The presence table; ``announce(kind, data)`` publishes ``presence:*`` events."""

    def __init__(self, announce: Announce, clock: Callable[[], float]) -> None:
        self._announce = announce
        self.clock = clock
        self.entries: dict[int, Entry] = {}

    def snapshot(self, idle_after: float, away_after: float) -> list[dict[str, Any]]:
        now = self.clock()
        return [e.to_wire(e.state(now, idle_after, away_after)) for e in self.entries.values()]

    def join(self, user_id: int, name: str, role: str, seen: float) -> None:
        entry = self.entries.get(user_id)
        if entry is not None:
            entry.last_seen = seen
            return
        entry = Entry(user_id, name, role, last_active=self.clock(), last_seen=seen)
        self.entries[user_id] = entry
        self._announce("presence:joined", {"presence": entry.to_wire(entry.shown)})

    def rename(self, user_id: int, role: str) -> None:
        if user_id in self.entries:
            self.entries[user_id].role = role

    def touch(self, user_id: int, seen: float) -> None:
        if user_id in self.entries:
            self.entries[user_id].last_seen = seen

    def report(self, user_id: int, report: Report, seen: float) -> Entry:
        entry = self.entries[user_id]
        entry.report, entry.last_active, entry.last_seen = report, self.clock(), seen
        return entry

    def leave(self, user_id: int, reason: str) -> None:
        entry = self.entries.pop(user_id, None)
        if entry is not None:
            self._announce("presence:left", {"user_id": user_id, "reason": reason})

    def announce(self, entry: Entry, state: str) -> bool:
        """Announce ``entry`` in ``state`` unless that is exactly what was announced last."""
        data = entry.to_wire(state)
        if data == entry.last_wire:
            return False
        entry.shown, entry.last_wire = state, data
        self._announce("presence:changed", {"presence": data})
        return True
