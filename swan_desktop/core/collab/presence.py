"""Who is online and what each is doing, from ``presence:*`` events and ``presence.query``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...protocol.frames import Event
from .observable import Observable

#: Activities that mark a session as busy for others (in order of weight).
ACTIVE_ON_SESSION = ("editing", "dragging", "selecting", "viewing")


@dataclass(frozen=True)
class PresenceEntry:
    user_id: int
    name: str
    role: str
    color: str
    activity: str
    session_id: int | None
    day: str | None

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> PresenceEntry:
        user = d.get("user") or {}
        sid = d.get("session_id")
        return cls(int(user["id"]), str(user.get("name", "")), str(user.get("role", "")),
                   str(d.get("color", "#607d8b")), str(d.get("activity", "viewing")),
                   sid if isinstance(sid, int) else None,
                   d.get("day") if isinstance(d.get("day"), str) else None)

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    @property
    def is_quiet(self) -> bool:
        return self.activity in ("idle", "away")

    def describe(self) -> str:
        """``"Ana (trainer) — editing session 12"`` style words for a tooltip."""
        what = self.activity
        if self.session_id is not None and not self.is_quiet:
            what += f" session {self.session_id}"
        elif self.day and self.activity == "viewing":
            what += f" {self.day}"
        return f"{self.name} ({self.role}) — {what}"


class PresenceStore(Observable):
    """One entry per online user; ``me`` is left out of what others see."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[int, PresenceEntry] = {}
        self.me: int | None = None

    def load(self, wire: list[dict[str, Any]]) -> None:
        self.entries = {e.user_id: e for e in (PresenceEntry.from_wire(d) for d in wire)}
        self._changed()

    def apply_event(self, event: Event) -> None:
        if event.kind in ("presence:joined", "presence:changed"):
            entry = PresenceEntry.from_wire(event.data["presence"])
            self.entries[entry.user_id] = entry
        elif event.kind == "presence:left":
            self.entries.pop(int(event.data["user_id"]), None)
        else:
            return
        self._changed()

    def rename(self, user_id: int, role: str) -> None:
        entry = self.entries.get(user_id)
        if entry is not None and entry.role != role:
            self.entries[user_id] = PresenceEntry(entry.user_id, entry.name, role, entry.color,
                                                  entry.activity, entry.session_id, entry.day)
            self._changed()

    def online(self) -> list[PresenceEntry]:
        """Everyone online, sorted by name (me included)."""
        return sorted(self.entries.values(), key=lambda e: (e.name.lower(), e.user_id))

    def others(self) -> list[PresenceEntry]:
        return [e for e in self.online() if e.user_id != self.me]

    def outlines(self) -> dict[int, PresenceEntry]:
        """Session id → the other user busiest on it (editing beats dragging beats selecting …)."""
        out: dict[int, PresenceEntry] = {}
        for entry in self.others():
            if entry.session_id is None or entry.is_quiet:
                continue
            held = out.get(entry.session_id)
            if held is None or _weight(entry) < _weight(held):
                out[entry.session_id] = entry
        return out


def _weight(entry: PresenceEntry) -> int:
    try:
        return ACTIVE_ON_SESSION.index(entry.activity)
    except ValueError:
        return len(ACTIVE_ON_SESSION)
