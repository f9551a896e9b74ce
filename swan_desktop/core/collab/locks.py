"""Edit locks as the client knows them: who holds which session, and the tokens this user holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...protocol.frames import Event
from .observable import Observable


@dataclass(frozen=True)
class LockInfo:
    session_id: int
    holder_id: int
    holder_name: str
    #: The fencing token: only in this user's own acquire/renew replies (0 in others' locks).
    token: int
    expires_at: str

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> LockInfo:
        holder = d.get("holder") or {}
        return cls(int(d["session_id"]), int(holder["id"]), str(holder.get("name", "")),
                   int(d.get("token") or 0), str(d.get("expires_at", "")))


@dataclass(frozen=True)
class LockRequest:
    """Someone asked this user for a lock they hold."""

    session_id: int
    by_id: int
    by_name: str
    message: str


class LockStore(Observable):
    """Live locks by session id (from ``lock:*`` events and ``lock.query``) and my own tokens."""

    def __init__(self) -> None:
        super().__init__()
        self.locks: dict[int, LockInfo] = {}
        self.me: int | None = None
        self._mine: dict[int, int] = {}
        #: Told when someone asks this user for a lock (``lock:requested``).
        self.request_listeners: list[Callable[[LockRequest], None]] = []
        #: Told when a lock this user held ended without them (``broken``, ``expired`` …): (lock, reason).
        self.lost_listeners: list[Callable[[LockInfo, str], None]] = []

    def load(self, wire: list[dict[str, Any]]) -> None:
        self.locks = {lk.session_id: lk for lk in (LockInfo.from_wire(d) for d in wire)}
        self._changed()

    def held(self, lock: LockInfo) -> None:
        """This user was granted (or renewed) ``lock``."""
        self.locks[lock.session_id] = lock
        self._mine[lock.session_id] = lock.token
        self._changed()

    def released(self, session_id: int) -> None:
        """This user let go of the session's lock."""
        self._mine.pop(session_id, None)
        current = self.locks.get(session_id)
        if current is not None and current.holder_id == self.me:
            del self.locks[session_id]
        self._changed()

    def token_for(self, session_id: int) -> int | None:
        """The fencing token this user holds for the session, if any."""
        return self._mine.get(session_id)

    def holder(self, session_id: int) -> LockInfo | None:
        return self.locks.get(session_id)

    def held_by_other(self, session_id: int) -> LockInfo | None:
        lock = self.locks.get(session_id)
        return lock if lock is not None and lock.holder_id != self.me else None

    def apply_event(self, event: Event) -> None:
        if event.kind == "lock:acquired":
            lock = LockInfo.from_wire(event.data["lock"])
            self.locks[lock.session_id] = lock
        elif event.kind == "lock:released":
            # Events carry no token (it is the holder's alone): a release ends the lock of its
            # holder; events arrive in order, so a later grant is not mistaken for it.
            lock = LockInfo.from_wire(event.data["lock"])
            current = self.locks.get(lock.session_id)
            if current is not None and current.holder_id == lock.holder_id:
                del self.locks[lock.session_id]
            if lock.holder_id == self.me and lock.session_id in self._mine:
                # The token stays until this user lets go: a late write carrying it is fenced off.
                reason = str(event.data.get("reason", ""))
                if reason != "released":
                    for fn in list(self.lost_listeners):
                        fn(lock, reason)
        elif event.kind == "lock:requested":
            by = event.data.get("by") or {}
            request = LockRequest(int(event.data["session_id"]), int(by.get("id", 0)),
                                  str(by.get("name", "Someone")), str(event.data.get("message", "")))
            for ask in list(self.request_listeners):
                ask(request)
            return
        else:
            return
        self._changed()
