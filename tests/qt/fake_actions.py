"""An in-memory stand-in for the server, used only to drive the widget tests.

It implements ``ScheduleActions`` over a ``ScheduleStore`` and refuses
requests with the same ``ProtocolError`` shapes the real server sends
(``invalid`` with a field, ``not_found``, ``forbidden``, version conflicts
with the current session, and ``schedule:conflict`` overlaps). Like the live
client, it alone writes the store it was given. ``gate`` lets
a test hold requests "in flight"; ``calls`` records what was sent.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from swan_desktop.core.outcomes import SCHEDULE_CONFLICT, STALE_VERSION
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.domain.overlap import describe, find_clashes
from swan_desktop.protocol.entities import Role, Session
from swan_desktop.protocol.errors import ErrorCode, ProtocolError
from swan_desktop.protocol.validation import check_time_order, session_fields


class InMemoryActions:
    def __init__(self, store: ScheduleStore, role: Role = Role.ADMIN, user_id: int = 1) -> None:
        self.store = store
        self.role = role
        self.user_id = user_id
        self.calls: list[tuple[str, dict[str, Any]]] = []
        #: Series and scoped changes (a test sets a stand-in; None: single sessions only).
        self.calendar: Any = None
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()
        self._next_id = 10_000

    async def _enter(self, name: str, **payload: Any) -> None:
        self.calls.append((name, payload))
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.role is Role.VIEWER:
            raise ProtocolError(ErrorCode.FORBIDDEN, "viewers cannot change the schedule")

    def _check(self, candidate: Session, allow_overlap: bool) -> None:
        check_time_order(candidate.start, candidate.end)
        if allow_overlap:
            if self.role is not Role.ADMIN:
                raise ProtocolError(ErrorCode.FORBIDDEN, "only an admin may book over a clash")
            return
        clashes = find_clashes(candidate, self.store.between(candidate.start, candidate.end))
        if clashes:
            first = clashes[0]
            message = describe(first, self.store.directory.trainer_name(candidate.trainer_id))
            raise ProtocolError(ErrorCode.CONFLICT, message, {
                "reason": SCHEDULE_CONFLICT, "conflict": first.reason, "message": message,
                "clashes": [c.other.to_wire() for c in clashes]})

    async def create_session(self, fields: dict[str, Any], *, allow_overlap: bool = False) -> Session:
        await self._enter("create", fields=dict(fields), allow_overlap=allow_overlap)
        values = session_fields(fields, partial=False)
        self._next_id += 1
        session = Session(id=self._next_id, version=1, updated_at=datetime.now(UTC),
                          updated_by=self.user_id, **values)
        self._check(session, allow_overlap)
        self.store.upsert(session)
        return session

    async def update_session(self, session_id: int, version: int, changes: dict[str, Any], *,
                             allow_overlap: bool = False) -> Session:
        await self._enter("update", id=session_id, version=version, changes=dict(changes),
                          allow_overlap=allow_overlap)
        current = self.store.get(session_id)
        if current is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, f"session {session_id} does not exist")
        if current.version != version:
            raise ProtocolError(ErrorCode.CONFLICT, "the session was changed by someone else",
                                {"reason": STALE_VERSION, "current": current.to_wire()})
        values = session_fields(changes, partial=True)
        updated = current.with_changes(**values, version=current.version + 1,
                                       updated_at=datetime.now(UTC), updated_by=self.user_id)
        self._check(updated, allow_overlap)
        self.store.upsert(updated)
        return updated

    async def delete_session(self, session_id: int, version: int) -> None:
        await self._enter("delete", id=session_id, version=version)
        current = self.store.get(session_id)
        if current is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, f"session {session_id} does not exist")
        if current.version != version:
            raise ProtocolError(ErrorCode.CONFLICT, "the session was changed by someone else",
                                {"reason": STALE_VERSION, "current": current.to_wire()})
        self.store.remove(session_id)

    def someone_else_saves(self, session_id: int, user_id: int = 7, **changes: Any) -> Session:
        """Another user's edit lands on the server (and, through events, in the store)."""
        current = self.store.get(session_id)
        assert current is not None
        updated = current.with_changes(**changes, version=current.version + 1,
                                       updated_at=datetime.now(UTC), updated_by=user_id)
        self.store.upsert(updated)
        return updated
