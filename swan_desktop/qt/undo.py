"""Undo and redo of one's own schedule changes (Ctrl+Z / Ctrl+Y, the Edit menu).

Each step is one or more changes to sessions (a bulk action is one step). A
change holds the fields before and after (wire values) and its kind: ``edit``
(moves, resizes, edits, cancellations), ``create`` or ``delete``. Undoing
sends the "before" side as a new request — an edit on top of the session's
current version, a deletion of what was booked, a new session with a deleted
one's fields — so it goes through the server like any change and is refused
in words if someone else has changed the session since. A re-created session
is a new one; the old one's history stays in the activity feed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.actions import ScheduleActions
from ..core.bulk import BulkOp, BulkResult
from ..core.directory import Directory
from ..core.schedule import ScheduleStore
from ..core.wallclock import in_zone
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
    #: ``edit``, ``create`` (before is empty) or ``delete`` (after is empty).
    kind: str = "edit"


@dataclass(frozen=True)
class Step:
    """What one Undo takes back: one change, or all the changes of a bulk action."""

    label: str
    changes: tuple[Change, ...]


def describe(verb: str, session: Session, directory: Directory, zone: tzinfo) -> str:
    """"move of Ava Patel's 10:00": what the Edit menu calls a change."""
    who = session.client_name or directory.trainer_name(session.trainer_id)
    return f"{verb} of {who}'s {in_zone(session.start, zone):%H:%M}"


def change_between(old: Session, new: Session, label: str) -> Change | None:
    """The fields ``new`` changed relative to ``old``, or None when nothing did."""
    a, b = old.to_wire(), new.to_wire()
    fields = [f for f in EDITABLE if a[f] != b[f]]
    if not fields:
        return None
    return Change(new.id, {f: a[f] for f in fields}, {f: b[f] for f in fields}, label)


def fields_of(session: Session) -> dict[str, Any]:
    wire = session.to_wire()
    return {f: wire[f] for f in EDITABLE}


def creation(session: Session, label: str) -> Change:
    return Change(session.id, {}, fields_of(session), label, "create")


def deletion(session: Session, label: str) -> Change:
    return Change(session.id, fields_of(session), {}, label, "delete")


def bulk_changes(op: BulkOp, result: BulkResult, before: dict[int, Session],
                 store: ScheduleStore) -> list[Change]:
    """The changes a bulk action made, as one undo step (what failed is not in it)."""
    label = op.describe().lower()
    changes: list[Change] = []
    for sid in result.done:
        old = before.get(sid)
        if old is None:
            continue
        if op.kind == "delete":
            changes.append(deletion(old, label))
        elif op.kind == "duplicate":
            made = result.created.get(sid)
            if made is not None:
                changes.append(creation(made, label))
        elif (new := store.get(sid)) is not None and (change := change_between(old, new, label)) is not None:
            changes.append(change)
    return changes


class UndoStack(QObject):
    changed = Signal()

    def __init__(self, store: ScheduleStore, actions: ScheduleActions,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.actions = store, actions
        self._done: list[Step] = []
        self._undone: list[Step] = []

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
        self.push_step(Step(change.label, (change,)))

    def push_step(self, step: Step) -> None:
        if not step.changes:
            return
        self._done.append(step)
        del self._done[:-LIMIT]
        self._undone.clear()
        self.changed.emit()

    async def undo(self) -> Session | None:
        if not self._done:
            return None
        step = self._done.pop()
        try:
            step, session = await self._run(step, undo=True)
        except BaseException:
            self._done.append(step)
            raise
        self._undone.append(step)
        self.changed.emit()
        return session

    async def redo(self) -> Session | None:
        if not self._undone:
            return None
        step = self._undone.pop()
        try:
            step, session = await self._run(step, undo=False)
        except BaseException:
            self._undone.append(step)
            raise
        self._done.append(step)
        self.changed.emit()
        return session

    async def _run(self, step: Step, *, undo: bool) -> tuple[Step, Session | None]:
        """Apply every change of ``step`` one way; re-created sessions get their new ids."""
        done: list[Change] = []
        last: Session | None = None
        order = reversed(step.changes) if undo else iter(step.changes)
        for change in order:
            change, last = await self._apply(change, undo=undo)
            done.append(change)
        if undo:
            done.reverse()
        return Step(step.label, tuple(done)), last

    async def _apply(self, change: Change, *, undo: bool) -> tuple[Change, Session | None]:
        values = change.before if undo else change.after
        if change.kind == "edit":
            return change, await self._update(change.session_id, values)
        if not values:  # undoing a booking, or redoing a deletion
            current = self.store.get(change.session_id)
            if current is None:
                raise ProtocolError(ErrorCode.NOT_FOUND, "That session is no longer on the schedule.")
            await self.actions.delete_session(current.id, current.version)
            return change, None
        created = await self.actions.create_session(dict(values), allow_overlap=False)
        return replace(change, session_id=created.id), created

    async def _update(self, session_id: int, values: dict[str, Any]) -> Session:
        current = self.store.get(session_id)
        if current is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, "That session is no longer on the schedule.")
        wire = current.to_wire()
        changes = {k: v for k, v in values.items() if wire.get(k) != v}
        if not changes:
            return current
        return await self.actions.update_session(session_id, current.version, changes)
