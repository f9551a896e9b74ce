"""Undo and redo of one's own schedule changes (Ctrl+Z / Ctrl+Y).

Each entry holds the changed fields of one session before and after (wire
values). Undoing sends "before" as a new change on top of the session's
current version, so it goes through the server like any edit and is refused
in words if someone else has changed those fields since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.actions import ScheduleActions
from ..core.schedule import ScheduleStore
from ..protocol.entities import Session
from ..protocol.errors import ErrorCode, ProtocolError

EDITABLE = ("start", "end", "trainer_id", "client_id", "client_name", "location", "session_type_id",
            "status", "notes", "cancel_reason")
LIMIT = 100


@dataclass(frozen=True)
class Change:
    session_id: int
    before: dict[str, Any]
    after: dict[str, Any]
    label: str


def change_between(old: Session, new: Session, label: str) -> Change | None:
    """The fields ``new`` changed relative to ``old``, or None when nothing did."""
    a, b = old.to_wire(), new.to_wire()
    fields = [f for f in EDITABLE if a[f] != b[f]]
    if not fields:
        return None
    return Change(new.id, {f: a[f] for f in fields}, {f: b[f] for f in fields}, label)


class UndoStack(QObject):
    changed = Signal()

    def __init__(self, store: ScheduleStore, actions: ScheduleActions,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.actions = store, actions
        self._done: list[Change] = []
        self._undone: list[Change] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo_label(self) -> str:
        return f"Undo {self._done[-1].label}" if self._done else "Undo"

    def redo_label(self) -> str:
        return f"Redo {self._undone[-1].label}" if self._undone else "Redo"

    def push(self, change: Change) -> None:
        self._done.append(change)
        del self._done[:-LIMIT]
        self._undone.clear()
        self.changed.emit()

    async def undo(self) -> Session | None:
        if not self._done:
            return None
        change = self._done.pop()
        try:
            session = await self._apply(change.session_id, change.before)
        except BaseException:
            self._done.append(change)
            raise
        self._undone.append(change)
        self.changed.emit()
        return session

    async def redo(self) -> Session | None:
        if not self._undone:
            return None
        change = self._undone.pop()
        try:
            session = await self._apply(change.session_id, change.after)
        except BaseException:
            self._undone.append(change)
            raise
        self._done.append(change)
        self.changed.emit()
        return session

    async def _apply(self, session_id: int, values: dict[str, Any]) -> Session:
        current = self.store.get(session_id)
        if current is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, "That session is no longer on the schedule.")
        wire = current.to_wire()
        changes = {k: v for k, v in values.items() if wire.get(k) != v}
        if not changes:
            return current
        return await self.actions.update_session(session_id, current.version, changes)
