"""The Edit menu: labelled Undo and Redo ("Undo move of Ava Patel's 10:00") for the
schedule's changes, and the status bar following what the schedule announces."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu

from .schedule_pane import SchedulePane

STATUS_MS = 10_000


def install_edit_menu(window: QMainWindow, pane: SchedulePane) -> QMenu:
    """Put an Edit menu after File (before View) holding the schedule's Undo and Redo."""
    bar = window.menuBar()
    menu = QMenu("&Edit", window)
    menu.setObjectName("editMenu")
    actions = bar.actions()
    before = actions[1] if len(actions) > 1 else None
    if before is not None:
        bar.insertMenu(before, menu)
    else:
        bar.addMenu(menu)
    menu.addAction(pane.editing.undo_action)
    menu.addAction(pane.editing.redo_action)
    menu.addSeparator()
    menu.addAction("New session…", lambda: pane.open_new())
    pane.announced.connect(lambda text: window.statusBar().showMessage(text, STATUS_MS))
    return menu
