"""Chat rooms on the client, kept in id (= server) order: the newest page per room after sign-in,
earlier pages as the user scrolls back, at most ``limit`` messages a room (the oldest go first)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from ...protocol.frames import Event
from .observable import Observable

#: Messages asked for per page (the server answers fewer when they would not fit half a frame).
PAGE = 500
#: Messages kept per room at most, however far back the user pages (the server keeps the whole history).
ROOM_LIMIT = 2000
STUDIO = "studio"


def day_room(day: str) -> str:
    """The room of a schedule day (``YYYY-MM-DD``)."""
    return f"day:{day}"


@dataclass(frozen=True)
class ChatMessage:
    id: int
    room: str
    kind: str
    author_id: int | None
    author_name: str
    text: str
    mentions: tuple[int, ...]
    reactions: dict[str, tuple[int, ...]]
    session_id: int | None
    created_at: str
    edited_at: str | None
    deleted: bool

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> ChatMessage:
        author = d.get("author") or {}
        aid = author.get("id")
        return cls(int(d["id"]), str(d["room"]), str(d.get("kind", "chat")),
                   aid if isinstance(aid, int) else None, str(author.get("name") or "Swan"),
                   str(d.get("text", "")), tuple(int(m) for m in d.get("mentions") or ()),
                   {str(k): tuple(int(u) for u in v) for k, v in (d.get("reactions") or {}).items()},
                   d.get("session_id") if isinstance(d.get("session_id"), int) else None,
                   str(d.get("created_at", "")), d.get("edited_at"), bool(d.get("deleted")))


class ChatStore(Observable):
    """Messages by room, oldest first; events add or replace a message by its id."""

    def __init__(self, limit: int = ROOM_LIMIT) -> None:
        super().__init__()
        self.limit = limit
        self._rooms: dict[str, list[ChatMessage]] = {}
        #: Rooms whose older messages the server still has (``more`` of the last page, or trimmed here).
        self._more: set[str] = set()
        #: Told of each message newly posted by someone (not history loads).
        self.posted_listeners: list[Any] = []

    def rooms(self) -> list[str]:
        return list(self._rooms)

    def messages(self, room: str) -> list[ChatMessage]:
        return list(self._rooms.get(room, ()))

    def has_more(self, room: str) -> bool:
        """Whether older messages than those held can be paged in."""
        return room in self._more

    def full(self, room: str) -> bool:
        """Whether the room holds all it may: paging further back would drop the newest."""
        return len(self._rooms.get(room, ())) >= self.limit

    def oldest(self, room: str) -> int | None:
        msgs = self._rooms.get(room)
        return msgs[0].id if msgs else None

    def load_room(self, room: str, wire: list[dict[str, Any]], more: bool = False) -> None:
        """The newest page of ``room`` (replacing what was held); ``more``: older ones exist."""
        msgs = sorted((ChatMessage.from_wire(d) for d in wire), key=lambda m: m.id)
        self._rooms[room] = msgs
        self._set_more(room, more)
        self._trim(room)
        self._changed()

    def add_older(self, room: str, wire: list[dict[str, Any]], more: bool) -> int:
        """An earlier page of ``room``, put before what is held; returns how many were new."""
        held = self._rooms.setdefault(room, [])
        known = {m.id for m in held}
        older = sorted((m for m in map(ChatMessage.from_wire, wire) if m.id not in known), key=lambda m: m.id)
        held[:0] = older[-max(0, self.limit - len(held)):] if len(held) < self.limit else []
        self._set_more(room, more or len(held) - len(known) < len(older))
        self._changed()
        return len(held) - len(known)

    def _set_more(self, room: str, more: bool) -> None:
        if more:
            self._more.add(room)
        else:
            self._more.discard(room)

    def _trim(self, room: str) -> None:
        held = self._rooms[room]
        if len(held) > self.limit:
            del held[:-self.limit]
            self._more.add(room)

    def put(self, msg: ChatMessage) -> bool:
        """Add or replace ``msg``; returns True when it was new."""
        room = self._rooms.setdefault(msg.room, [])
        ids = [m.id for m in room]
        at = bisect.bisect_left(ids, msg.id)
        if at < len(room) and room[at].id == msg.id:
            room[at] = msg
            return False
        room.insert(at, msg)
        self._trim(msg.room)
        return True

    def apply_event(self, event: Event) -> None:
        if event.kind.startswith("chat:"):
            wire = event.data.get("message")
            if not isinstance(wire, dict):
                return
            msg = ChatMessage.from_wire(wire)
            if self.put(msg) and event.kind == "chat:posted":
                for fn in list(self.posted_listeners):
                    fn(msg)
        elif event.kind.startswith("session:"):
            posted = [ChatMessage.from_wire(d) for d in event.data.get("chat") or ()]
            if not posted:
                return
            for msg in posted:
                self.put(msg)
        else:
            return
        self._changed()
