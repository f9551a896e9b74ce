"""Schedule changes the server has not settled yet, as the schedule store shows them.

A change that could not be answered at once is shown straight away and marked
pending; when the server's answer arrives (routed here by request type) it
swaps in the server's version, or, if refused, puts the server's version back
and lists the change for the user to retry, edit or discard. What a refusal
says about the schedule (the current version, or that the session is gone)
goes into the store here too, whether the change was queued or waited for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..net.link import Link, OutboxResult
from ..net.outbox import OutboxEntry
from ..protocol.entities import Session
from ..protocol.errors import ProtocolError
from .outcomes import NotFound, Outcome, StaleVersion, outcome_of
from .schedule import ScheduleStore

log = logging.getLogger(__name__)

#: The request types whose answers this module settles.
SESSION_CHANGES = ("session.create", "session.update", "session.delete", "session.checkin")


@dataclass(frozen=True)
class FailedChange:
    """A queued change the server refused, waiting for the user's decision."""

    request_id: str
    kind: str
    session_id: int | None
    code: str
    message: str
    data: dict[str, Any]

    @property
    def summary(self) -> str:
        verb = {"session.create": "New session", "session.update": "Change",
                "session.delete": "Deletion"}.get(self.kind, self.kind)
        return f"{verb} not saved: {self.message}"


@dataclass
class _Tracked:
    kind: str
    session_id: int | None       # the session it concerns (a temporary id for creates)
    before: Session | None       # what the store showed before the optimistic change


def learn_from_refusal(store: ScheduleStore, kind: str, data: dict[str, Any], outcome: Outcome) -> None:
    """Store what a refusal of a ``kind`` request with ``data`` says about the schedule."""
    match outcome:
        case StaleVersion(current=current):
            store.upsert(current)  # the server's truth, unless an event already brought newer
        case NotFound(field=None | "id") if kind != "session.create" and isinstance(data.get("id"), int):
            store.remove(int(data["id"]))


class PendingChanges:
    """The ``session.*`` entries of the outbox, shown in the store until the server settles them."""

    def __init__(self, link: Link, store: ScheduleStore) -> None:
        self._link = link
        self._store = store
        self._tracked: dict[str, _Tracked] = {}
        #: Told when a queued change was refused (for the user to decide).
        self.on_failed: Callable[[FailedChange], None] | None = None

    def show(self, entry: OutboxEntry, before: Session | None, after: Session | None,
             deleting: int | None) -> Session | None:
        """The server has not answered: show the change at once, marked pending."""
        session_id = after.id if after is not None else deleting
        self._tracked[entry.id] = _Tracked(entry.rtype, session_id, before)
        if deleting is not None:
            self._store.remove(deleting)
        elif after is not None:
            self._store.replace(after)
        if session_id is not None:
            self._store.mark_pending(session_id, entry.id)
        return after

    def restore(self, entry: OutboxEntry) -> None:
        """After a restart: mark what the outbox still holds as pending."""
        sid = entry.data.get("id")
        if isinstance(sid, int):
            self._tracked[entry.id] = _Tracked(entry.rtype, sid, self._store.get(sid))
            self._store.mark_pending(sid, entry.id)
        else:
            self._tracked[entry.id] = _Tracked(entry.rtype, None, None)

    def settle(self, result: OutboxResult) -> None:
        """The server answered a queued change."""
        tracked = self._tracked.pop(result.entry.id, None)
        if result.error is None:
            self._applied(result, tracked)
        else:
            self._refused(result.entry, result.error, tracked)

    def _applied(self, result: OutboxResult, tracked: _Tracked | None) -> None:
        entry, data = result.entry, result.data or {}
        store = self._store
        if tracked is not None and tracked.session_id is not None:
            if tracked.kind == "session.create":
                store.remove(tracked.session_id)
            store.clear_pending(tracked.session_id, entry.id)
        if entry.rtype == "session.delete":
            store.remove(int(entry.data["id"]))
        elif isinstance(data.get("session"), dict):
            session = Session.from_wire(data["session"])
            store.upsert(session)
            store.clear_pending(session.id)

    def _refused(self, entry: OutboxEntry, error: ProtocolError, tracked: _Tracked | None) -> None:
        store = self._store
        outcome = outcome_of(error)
        session_id = tracked.session_id if tracked else entry.data.get("id")
        if isinstance(outcome, StaleVersion):
            store.replace(outcome.current)  # the server's truth, over what we showed
        elif tracked is not None and tracked.session_id is not None:
            if isinstance(outcome, NotFound) or tracked.kind == "session.create":
                store.remove(tracked.session_id)
            elif tracked.before is not None:
                store.replace(tracked.before)
        failed = FailedChange(entry.id, entry.rtype, session_id if isinstance(session_id, int) else None,
                              error.code.value, outcome.message, dict(entry.data))
        if failed.session_id is not None and failed.session_id > 0:
            store.mark_failed(failed.session_id, failed.summary)
        log.warning("queued %s refused: %s", entry.rtype, outcome.message)
        if self.on_failed is not None:
            self.on_failed(failed)

    # -- the user's decisions ------------------------------------------------------
    def failed_changes(self) -> list[FailedChange]:
        out = []
        for entry in self._link.outbox.failed():
            sid = entry.data.get("id")
            out.append(FailedChange(entry.id, entry.rtype, sid if isinstance(sid, int) else None,
                                    entry.error_code or "", entry.error_message or "", dict(entry.data)))
        return out

    def discard_failed(self, request_id: str) -> None:
        """Drop a refused change: the server's version stands."""
        entry = self._link.outbox.get(request_id)
        self._link.outbox.discard(request_id)
        if entry is not None and isinstance(entry.data.get("id"), int):
            self._store.clear_failed(int(entry.data["id"]))

    def retry_failed(self, request_id: str) -> OutboxEntry | None:
        """Send a refused change again on top of the current version, as a new request."""
        entry = self._link.outbox.get(request_id)
        if entry is None:
            return None
        data = dict(entry.data)
        sid = data.get("id")
        if isinstance(sid, int):
            current = self._store.get(sid)
            if current is not None and "version" in data:
                data["version"] = current.version
            self._store.clear_failed(sid)
        self._link.outbox.discard(request_id)
        fresh = self._link.submit(entry.rtype, data)
        self._tracked[fresh.id] = _Tracked(entry.rtype, sid if isinstance(sid, int) else None, None)
        if isinstance(sid, int):
            self._store.mark_pending(sid, fresh.id)
        return fresh
