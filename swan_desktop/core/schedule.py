"""The schedule store: sessions the client knows, kept in start order, fed by events.

Range queries use a sorted index (bisect), so a view of one day or week over
tens of thousands of sessions costs only the sessions in it. Listeners are
plain callables told that something changed; the Qt bridge coalesces them.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain import rooms
from ..protocol.entities import Session, Status
from ..protocol.frames import Event
from ..protocol.validation import LONGEST_SESSION
from .directory import Directory

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class ScheduleFilter:
    """What the user chose to see. ``None`` means no restriction on that axis."""

    trainer_ids: frozenset[int] | None = None
    statuses: frozenset[Status] | None = None
    #: Rooms by name; a session is in one when its room text names it however typed (:func:`rooms.key`).
    locations: frozenset[str] | None = None
    text: str = ""
    _room_keys: frozenset[str] | None = dataclasses.field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.locations is not None:
            object.__setattr__(self, "_room_keys", frozenset(rooms.key(name) for name in self.locations))

    @property
    def is_empty(self) -> bool:
        return (self.trainer_ids is None and self.statuses is None
                and self.locations is None and not self.text.strip())

    def matches(self, s: Session, directory: Directory,
                haystack: Callable[[Session], str] | None = None) -> bool:
        """Does ``s`` pass? ``haystack`` (the store's cache) gives the words the text is sought in."""
        if self.trainer_ids is not None and s.trainer_id not in self.trainer_ids:
            return False
        if self.statuses is not None and s.status not in self.statuses:
            return False
        if self._room_keys is not None and rooms.key(s.location) not in self._room_keys:
            return False
        needle = self.text.strip().lower()
        if needle:
            hay = haystack(s) if haystack is not None else words_of(s, directory)
            if needle not in hay:
                return False
        return True


def words_of(s: Session, directory: Directory) -> str:
    """What a free-text search looks in: client, notes, room, trainer, type and status."""
    return " ".join((s.client_name, s.notes, s.location, directory.trainer_name(s.trainer_id),
                     directory.type_name(s.session_type_id), s.status.value)).lower()


#: Search words kept per session (each keystroke searches the same sessions again).
WORDS_CACHE_SIZE = 50_000


class ScheduleStore:
    """Sessions by id plus a start-ordered index; applies ``session:*`` events."""

    def __init__(self) -> None:
        self.directory = Directory()
        self._sessions: dict[int, Session] = {}
        #: Every session's id, ordered by (start, id).
        self._index: list[int] = []
        self._listeners: list[Callable[[], None]] = []
        self.revision = 0
        # seq of the last event that touched each session (deletions included), so a
        # query answered before that event cannot bring back stale data.
        self._touched: dict[int, int] = {}
        #: Sessions with a change still in the outbox (id → request id), and
        #: sessions whose queued change the server refused (id → its words).
        self.pending: dict[int, str] = {}
        self.failed: dict[int, str] = {}
        self._words: dict[int, tuple[Session, Directory, str]] = {}
        #: Counts ``set_directory`` calls: what was worked out from names and colours is stale.
        self.directory_revision = 0

    # -- listeners -------------------------------------------------------
    def add_listener(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        self._listeners.remove(callback)

    def _changed(self) -> None:
        self.revision += 1
        for callback in list(self._listeners):
            callback()

    # -- reads -----------------------------------------------------------
    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: int) -> Session | None:
        return self._sessions.get(session_id)

    def all_sessions(self) -> list[Session]:
        """Every session held, in start order."""
        return [self._sessions[sid] for sid in self._index]

    def between(self, start: datetime, end: datetime,
                flt: ScheduleFilter | None = None) -> list[Session]:
        """Sessions overlapping ``[start, end)`` that pass ``flt``, ordered by start."""
        lo = bisect.bisect_left(self._index, (start - LONGEST_SESSION, -1), key=self._key)
        hi = bisect.bisect_left(self._index, (end, -1), key=self._key)
        out: list[Session] = []
        sessions = self._sessions
        directory = self.directory
        check = flt is not None and not flt.is_empty
        for sid in self._index[lo:hi]:
            s = sessions[sid]
            if s.end <= start:
                continue
            if check and not flt.matches(s, directory, self._words_of):  # type: ignore[union-attr]
                continue
            out.append(s)
        return out

    def _words_of(self, s: Session) -> str:
        hit = self._words.get(s.id)
        if hit is not None and hit[0] is s and hit[1] is self.directory:
            return hit[2]
        if len(self._words) >= WORDS_CACHE_SIZE:
            self._words.clear()
        words = words_of(s, self.directory)
        self._words[s.id] = (s, self.directory, words)
        return words

    # -- writes ----------------------------------------------------------
    def set_directory(self, directory: Directory) -> None:
        """A new or changed directory (the feed changes the same object in place)."""
        self.directory = directory
        self.directory_revision += 1
        self._words.clear()  # trainer and type names may have changed
        self._changed()

    def _key(self, session_id: int) -> tuple[datetime, int]:
        """The index's order: by start, then id (the index holds ids, not (start, id) tuples:
        6 MiB less at 100,000 sessions)."""
        return self._sessions[session_id].start, session_id

    def _put(self, s: Session) -> None:
        old = self._sessions.get(s.id)
        if old is not None and old.start == s.start:
            self._sessions[s.id] = s
            return
        if old is not None:  # found by its old start, before the new one takes its place
            self._index.pop(bisect.bisect_left(self._index, (old.start, old.id), key=self._key))
        self._sessions[s.id] = s
        bisect.insort(self._index, s.id, key=self._key)

    def _drop(self, session_id: int) -> bool:
        old = self._sessions.get(session_id)
        if old is None:
            return False
        self._index.pop(bisect.bisect_left(self._index, (old.start, old.id), key=self._key))
        del self._sessions[session_id]
        return True

    def upsert(self, session: Session) -> None:
        """Store a session unless a newer version is already known.

        Storing what is already there changes nothing and tells no listener: the
        event that echoes a saved change finds the reply's version in place.
        """
        known = self._sessions.get(session.id)
        if known is not None and (known.version > session.version or known == session):
            return
        self._put(session)
        self._changed()

    def remove(self, session_id: int) -> None:
        if self._drop(session_id):
            self._changed()

    def load(self, sessions: Iterable[Session]) -> None:
        """Add many sessions at once (one change notification)."""
        items = list(sessions)
        if not self._sessions:
            self._sessions = {s.id: s for s in items}
            self._index = sorted(self._sessions, key=self._key)
        else:
            for s in items:
                self._put(s)
        self._changed()

    def replace_range(self, start: datetime, end: datetime, sessions: Iterable[Session],
                      as_of_seq: int | None = None) -> None:
        """Make ``[start, end)`` hold ``sessions`` (the answer to a schedule query).

        With ``as_of_seq`` (the event-log position the answer was read at), a
        session that a later event touched keeps what that event said.
        """
        def newer(session_id: int) -> bool:
            return as_of_seq is not None and self._touched.get(session_id, -1) > as_of_seq

        for s in self.between(start, end):
            if not newer(s.id):
                self._drop(s.id)
        for s in sessions:
            if not newer(s.id):
                self._put(s)
        self._changed()

    def clear(self) -> None:
        self._sessions.clear()
        self._index.clear()
        self._touched.clear()
        self._changed()

    # -- changes not yet confirmed by the server -------------------------
    def mark_pending(self, session_id: int, request_id: str) -> None:
        self.pending[session_id] = request_id
        self.failed.pop(session_id, None)
        self._changed()

    def clear_pending(self, session_id: int, request_id: str | None = None) -> None:
        if request_id is None or self.pending.get(session_id) == request_id:
            self.pending.pop(session_id, None)
            self._changed()

    def mark_failed(self, session_id: int, message: str) -> None:
        self.pending.pop(session_id, None)
        self.failed[session_id] = message
        self._changed()

    def clear_failed(self, session_id: int) -> None:
        if self.failed.pop(session_id, None) is not None:
            self._changed()

    def rename_location(self, old: str, new: str) -> None:
        """A room was renamed: every held session naming it, however typed, follows (the server
        renamed them too)."""
        was = rooms.key(old)
        renamed = [dataclasses.replace(s, location=new) for s in self._sessions.values()
                   if rooms.key(s.location) == was]
        for s in renamed:
            self._sessions[s.id] = s
            self._words.pop(s.id, None)
        if renamed:
            self._changed()

    def rename_client(self, client_id: int, session_ids: Iterable[int], name: str) -> None:
        """A client was erased: the held sessions among ``session_ids`` name them ``name`` (the server
        renamed them too, without a new version), in a group's list of clients as well."""
        renamed = []
        for sid in session_ids:
            s = self._sessions.get(sid)
            if s is None:
                continue
            extra = s.extra
            clients = extra.get("clients")
            if isinstance(clients, list):
                extra = {**extra, "clients": [{**c, "name": name} if isinstance(c, dict)
                                              and c.get("client_id") == client_id else c for c in clients]}
            own = name if s.client_id == client_id else s.client_name
            renamed.append(dataclasses.replace(s, client_name=own, extra=extra))
        for s in renamed:
            self._sessions[s.id] = s
            self._words.pop(s.id, None)
        if renamed:
            self._changed()

    def replace(self, session: Session) -> None:
        """Store ``session`` whatever its version (restoring the truth after a refusal)."""
        self._put(session)
        self._changed()

    # -- events ----------------------------------------------------------
    def apply_event(self, event: Event) -> None:
        """Apply one ``session:*`` event (ordering is the event router's job)."""
        data: dict[str, Any] = event.data
        self.directory.learn_user(event.actor)  # "changed by" shows a name, also for new accounts
        if event.kind == "session:deleted":
            self._touched[int(data["id"])] = event.seq
            self.remove(int(data["id"]))
        elif isinstance(data.get("session"), dict):
            session = Session.from_wire(data["session"])
            self._touched[session.id] = event.seq
            self.upsert(session)
