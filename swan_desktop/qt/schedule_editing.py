"""Editing straight on the grid: drag-and-drop moves and resizes with a clash
check before the drop, a notice when the server refuses, and undo/redo.

The actions store the server's answer; nothing here writes the schedule store."""

from __future__ import annotations

from datetime import UTC, timedelta
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QLabel

from ..core.outcomes import outcome_of
from ..core.wallclock import add_days, in_zone
from ..domain.overlap import describe, find_clashes
from ..protocol.entities import Session
from ..protocol.errors import ProtocolError
from .tasks import spawn
from .undo import Change, Step, UndoStack, change_between, creation, deletion
from .undo import describe as describe_change
from .views.drag import DropTarget
from .views.time_grid import TimeGridView

if TYPE_CHECKING:
    from .schedule_pane import SchedulePane

NOTICE_MS = 8000
ERROR_STYLE = "background: #fde7e9; color: #7a1c14; padding: 6px 10px;"
INFO_STYLE = "background: #e6f4ea; color: #1e4620; padding: 6px 10px;"
#: The same notices on a dark window (links in the palette's link colour either way).
DARK_ERROR_STYLE = "background: #4a1f1c; color: #ffd7d2; padding: 6px 10px;"
DARK_INFO_STYLE = "background: #1f3a2a; color: #d4f1dc; padding: 6px 10px;"


class DirectEditing(QObject):
    """Signals: ``announced(str)``, a sentence for the status bar after a change or an undo."""

    announced = Signal(str)

    def __init__(self, pane: SchedulePane) -> None:
        super().__init__(pane)
        self.pane = pane
        self.undo_stack = UndoStack(pane.store, pane.schedule_actions, self)
        self.notice = QLabel()
        self.notice.setObjectName("scheduleNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.linkActivated.connect(self._link)
        self.notice.setStyleSheet(ERROR_STYLE)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        self.undo_action = QAction("Undo", pane)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = QAction("Redo", pane)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence(QKeySequence.StandardKey.Redo)])
        for action, slot in ((self.undo_action, self.undo), (self.redo_action, self.redo)):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            pane.addAction(action)
        self.undo_stack.changed.connect(self._update_actions)
        self._update_actions()
        for view in (pane.day_view, pane.week_view):
            self._watch(view)

    def _watch(self, view: TimeGridView) -> None:
        def check(target: DropTarget) -> str | None:
            return self.problem(view, target)

        view.canvas.drag.check = check
        view.canvas.sessionDropped.connect(lambda target: self.drop(view, target))
        view.canvas.dropRefused.connect(self.show_notice)
        view.canvas.nudgeRequested.connect(lambda sid, minutes, days: self.nudge(view, sid, minutes, days))

    def set_editable(self, editable: bool) -> None:
        for view in (self.pane.day_view, self.pane.week_view):
            view.canvas.drag.enabled = editable
        self._update_actions(editable)

    def _update_actions(self, editable: bool | None = None) -> None:
        allowed = not self.pane.read_only if editable is None else editable
        self.undo_action.setEnabled(allowed and self.undo_stack.can_undo)
        self.redo_action.setEnabled(allowed and self.undo_stack.can_redo)
        self.undo_action.setText(self.undo_stack.undo_label())
        self.redo_action.setText(self.undo_stack.redo_label())

    # -- drops ---------------------------------------------------------------
    def moved(self, view: TimeGridView, target: DropTarget) -> Session | None:
        """The session as the drop would leave it (trainer from a day-view column)."""
        session = self.pane.store.get(target.session_id)
        if session is None:
            return None
        trainer = view.canvas.columns[target.column].trainer_id or session.trainer_id
        return session.with_changes(start=target.start.astimezone(UTC), end=target.end.astimezone(UTC),
                                    trainer_id=trainer)

    def problem(self, view: TimeGridView, target: DropTarget) -> str | None:
        candidate = self.moved(view, target)
        if candidate is None:
            return "That session is no longer on the schedule."
        others = self.pane.store.between(candidate.start, candidate.end)
        clashes = find_clashes(candidate, others, self.pane.store.directory.rooms_at_once())
        if not clashes:
            return None
        name = self.pane.store.directory.trainer_name(candidate.trainer_id)
        return describe(clashes[0], name, view.canvas.zone)  # the studio's wall clock, as drawn

    def drop(self, view: TimeGridView, target: DropTarget) -> None:
        before = self.pane.store.get(target.session_id)
        after = self.moved(view, target)
        if before is None or after is None:
            return
        change = change_between(before, after, self.label("resize" if target.resizing else "move", before))
        if change is not None:
            spawn(self._send(before, change))

    async def _send(self, before: Session, change: Change) -> None:
        changes: dict[str, Any] = dict(change.after)
        try:
            await self.pane.schedule_actions.update_session(before.id, before.version, changes)
        except ProtocolError as exc:
            self.show_notice(escape(outcome_of(exc).message))
            return
        self.undo_stack.push(change)
        self.announce(f"Moved {change.label.split(' of ', 1)[-1]}" if change.label.startswith("move")
                      else f"Changed {change.label.split(' of ', 1)[-1]}")

    def nudge(self, view: TimeGridView, session_id: int, minutes: int, days: int) -> None:
        """Ctrl+arrows: move a session by ``minutes`` or ``days`` (wall clock), checked like a drop."""
        s = self.pane.store.get(session_id)
        column = view.canvas.column_of(session_id)
        if s is None or column is None or self.pane.read_only:
            return
        zone = view.canvas.zone
        start = add_days(s.start, days, zone) + timedelta(minutes=minutes)
        if days and view.canvas.columns[column].trainer_id == 0:  # a day column: the next one over
            column = max(0, min(len(view.canvas.columns) - 1, column + days))
        end = start + (s.end - s.start)
        target = DropTarget(session_id, column, in_zone(start, zone), in_zone(end, zone), False)
        problem = self.problem(view, target)
        if problem is not None:
            self.show_notice(escape(problem))
            return
        self.drop(view, target)

    # -- edits from the dialog and elsewhere ----------------------------------------
    def label(self, verb: str, session: Session) -> str:
        return describe_change(verb, session, self.pane.store.directory, self.pane.store.directory.zone)

    def record(self, before: Session, after: Session, verb: str = "edit") -> None:
        change = change_between(before, after, self.label(verb, before))
        if change is not None:
            self.undo_stack.push(change)

    def record_created(self, session: Session, verb: str = "booking") -> None:
        self.undo_stack.push(creation(session, self.label(verb, session)))

    def record_deleted(self, session: Session) -> None:
        self.undo_stack.push(deletion(session, self.label("deletion", session)))

    def record_step(self, label: str, changes: list[Change]) -> None:
        self.undo_stack.push_step(Step(label, tuple(changes)))

    def announce(self, text: str, undo: bool = True) -> None:
        """Say what just happened, with an Undo link (the status bar gets the same words)."""
        link = ' · <a href="undo">Undo</a>' if undo and self.undo_stack.can_undo else ""
        self.show_notice(f"{escape(text)}{link}", error=False)
        self.announced.emit(f"{text} · Undo (Ctrl+Z)" if link else text)

    def _link(self, href: str) -> None:
        if href == "undo":
            self.undo()

    # -- undo/redo -------------------------------------------------------------
    def undo(self) -> None:
        if self.undo_stack.can_undo and not self.pane.read_only:
            label = self.undo_stack.undo_label()
            spawn(self._run(self.undo_stack.undo(), label))

    def redo(self) -> None:
        if self.undo_stack.can_redo and not self.pane.read_only:
            label = self.undo_stack.redo_label()
            spawn(self._run(self.undo_stack.redo(), label))

    async def _run(self, step: Any, label: str) -> None:
        try:
            session = await step
        except ProtocolError as exc:
            what = label[:1].lower() + label[1:]
            self.show_notice(f"Cannot {escape(what)}: {escape(outcome_of(exc).message)}")
            return
        done = label.replace("Undo ", "Undone: ", 1).replace("Redo ", "Redone: ", 1)
        if session is not None and session.id > 0 and "deletion" in label and label.startswith("Undo"):
            done += " (booked again as a new session; its history stays in the activity feed)"
        self.show_notice(escape(done), error=False)
        self.announced.emit(done)

    def show_notice(self, text: str, error: bool = True) -> None:
        # the pane's palette, not the label's (its style sheet paints its own background)
        dark = self.pane.palette().color(QPalette.ColorRole.Window).lightness() < 128
        styles = (DARK_ERROR_STYLE, DARK_INFO_STYLE) if dark else (ERROR_STYLE, INFO_STYLE)
        self.notice.setStyleSheet(styles[0] if error else styles[1])
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start(NOTICE_MS)
