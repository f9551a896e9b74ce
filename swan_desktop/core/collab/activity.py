"""The activity feed on the client: who changed what and when, newest first, filterable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...protocol.frames import Event
from .observable import Observable

KINDS = ("created", "updated", "deleted", "overwritten", "discarded")
#: Entries asked for per page (the server answers fewer when they would not fit half a frame).
PAGE = 500
#: Entries kept on the client at most, however far back the user pages (the server keeps them all).
LIMIT = 2000


@dataclass(frozen=True)
class ActivityEntry:
    id: int
    ts: str
    actor_id: int | None
    actor_name: str
    kind: str
    session_id: int
    trainer_id: int | None
    summary: str
    changes: tuple[tuple[str, Any, Any], ...]
    day: str | None

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> ActivityEntry:
        actor = d.get("actor") or {}
        return cls(int(d["id"]), str(d.get("ts", "")),
                   actor.get("id") if isinstance(actor.get("id"), int) else None,
                   str(actor.get("name") or ""), str(d.get("kind", "")), int(d["session_id"]),
                   d.get("trainer_id") if isinstance(d.get("trainer_id"), int) else None,
                   str(d.get("summary", "")),
                   tuple((str(c.get("field")), c.get("old"), c.get("new")) for c in d.get("changes") or ()),
                   d.get("day") if isinstance(d.get("day"), str) else None)

    def details(self) -> str:
        """``field: old → new`` lines."""
        return "\n".join(f"{f}: {_show(old)} → {_show(new)}" for f, old, new in self.changes)


def _show(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


class ActivityStore(Observable):
    """Feed entries by id; events carry them in ``session:*`` (``data.activity``)."""

    def __init__(self, limit: int = LIMIT) -> None:
        super().__init__()
        self.limit = limit
        self._entries: dict[int, ActivityEntry] = {}
        #: Whether older entries than those held can be paged in.
        self.more = False

    @property
    def full(self) -> bool:
        """Whether the feed holds all it may: paging further back would drop the newest."""
        return len(self._entries) >= self.limit

    def oldest(self) -> int | None:
        return min(self._entries) if self._entries else None

    def load(self, wire: list[dict[str, Any]], more: bool = False) -> None:
        """The newest page (replacing what was held); ``more``: older entries exist."""
        self._entries = {e.id: e for e in (ActivityEntry.from_wire(d) for d in wire)}
        self.more = more
        self._trim()
        self._changed()

    def add_older(self, wire: list[dict[str, Any]], more: bool) -> int:
        """An earlier page, kept while there is room; returns how many entries were new."""
        room = max(0, self.limit - len(self._entries))
        older = sorted((e for e in map(ActivityEntry.from_wire, wire) if e.id not in self._entries),
                       key=lambda e: e.id, reverse=True)
        for entry in older[:room]:
            self._entries[entry.id] = entry
        self.more = more or len(older) > room
        self._changed()
        return min(room, len(older))

    def apply_event(self, event: Event) -> None:
        if not event.kind.startswith("session:"):
            return
        entries = [ActivityEntry.from_wire(d) for d in event.data.get("activity") or ()]
        if not entries:
            return
        for entry in entries:
            self._entries[entry.id] = entry
        self._trim()
        self._changed()

    def _trim(self) -> None:
        if len(self._entries) > self.limit:
            for key in sorted(self._entries)[:-self.limit]:
                del self._entries[key]
            self.more = True

    def entries(self, *, user_id: int | None = None, trainer_id: int | None = None,
                kind: str | None = None) -> list[ActivityEntry]:
        """Newest first, filtered by who made the change, whose session it is, and its kind."""
        out = sorted(self._entries.values(), key=lambda e: e.id, reverse=True)
        if user_id is not None:
            out = [e for e in out if e.actor_id == user_id]
        if trainer_id is not None:
            out = [e for e in out if e.trainer_id == trainer_id]
        if kind is not None:
            out = [e for e in out if e.kind == kind]
        return out

    def actors(self) -> dict[int, str]:
        return {e.actor_id: e.actor_name for e in self._entries.values() if e.actor_id is not None}
