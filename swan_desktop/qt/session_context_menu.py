"""The right-click menu on a session: Open, Confirm, Check in, Cancel…, Delete…, Copy,
Book again next week. Built on demand from ``SessionCommands``; shown with ``popup``."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QMenu, QWidget

from .session_commands import ATTENDANCE

if TYPE_CHECKING:
    from .schedule_pane import SchedulePane


def build_menu(pane: SchedulePane, session_id: int, parent: QWidget | None = None) -> QMenu | None:
    """The menu for one session (None when it is no longer on the schedule)."""
    s = pane.store.get(session_id)
    if s is None:
        return None
    commands = pane.commands
    writable = not pane.read_only
    menu = QMenu(parent or pane)
    menu.setObjectName("sessionMenu")
    menu.addAction("Open", lambda: pane.open_editor(session_id))
    menu.addSeparator()
    confirm = menu.addAction("Confirm", lambda: commands.confirm(session_id))
    confirm.setEnabled(writable and commands.can_confirm(s))
    checkin = menu.addMenu("Check in")
    for text, value in ATTENDANCE:
        checkin.addAction(text, partial(commands.check_in, session_id, value))
    checkin.setEnabled(commands.can_check_in(s))
    cancel = menu.addAction("Cancel session…", lambda: commands.ask_cancel(session_id))
    cancel.setEnabled(writable and s.status.value != "cancelled")
    menu.addSeparator()
    menu.addAction("Copy", lambda: commands.copy(session_id))
    again = menu.addAction("Book again next week", lambda: commands.book_again(session_id))
    again.setEnabled(writable)
    menu.addSeparator()
    delete = menu.addAction("Delete…", lambda: commands.ask_delete(session_id))
    delete.setEnabled(writable)
    return menu


def attach(pane: SchedulePane, widget: QWidget, session_at: object) -> None:
    """Right-click on ``widget`` opens the menu of the session under the pointer."""
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def requested(pos: QPoint) -> None:
        sid = session_at(pos)  # type: ignore[operator]
        if sid is None:
            return
        pane.select_session(sid)
        menu = build_menu(pane, sid, widget)
        if menu is not None:
            pane.context_menu = menu
            # a scroll area (the agenda) gives positions in its viewport's coordinates
            origin = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
            menu.popup(origin.mapToGlobal(pos))

    widget.customContextMenuRequested.connect(requested)
