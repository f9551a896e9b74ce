"""The time grid's keyboard side: the keys, the visible focus outline, and what a
screen reader is told about the session the keys went to.

Arrows move between sessions (``grid_keys.neighbour``), Ctrl+Up/Down move the
selected session by 15 minutes and Ctrl+Left/Right by a day, Delete asks to
cancel it, Enter opens it (the canvas itself). The canvas is one accessible
widget whose name follows the selected session's spoken summary ("Ava Patel,
personal training with Jonah Brooks, 10:00 to 11:00, confirmed"), announced
with a NameChanged event, so a screen reader says each session as it is reached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent, QKeyEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from .grid_keys import DOWN, LEFT, RIGHT, UP, first, neighbour

if TYPE_CHECKING:
    from .time_grid import TimeGridCanvas

GRID_NAME = "Schedule grid"
STEP_MINUTES = 15
_ARROWS = {Qt.Key.Key_Left: LEFT, Qt.Key.Key_Right: RIGHT, Qt.Key.Key_Up: UP, Qt.Key.Key_Down: DOWN}


def handle_key(canvas: TimeGridCanvas, event: QKeyEvent) -> bool:
    """Act on a key the grid understands; False lets the canvas pass it on."""
    key = Qt.Key(event.key())
    ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
    selected = canvas.selected_id
    if key in _ARROWS and not ctrl:
        canvas.select_by_keyboard(neighbour(canvas.keyboard_spots(), selected, _ARROWS[key]))
        return True
    if key == Qt.Key.Key_Home:
        canvas.select_by_keyboard(first(canvas.keyboard_spots()))
        return True
    if selected is None:
        return False
    if key in _ARROWS and ctrl:
        direction = _ARROWS[key]
        minutes = {UP: -STEP_MINUTES, DOWN: STEP_MINUTES}.get(direction, 0)
        days = {LEFT: -1, RIGHT: 1}.get(direction, 0)
        canvas.nudgeRequested.emit(selected, minutes, days)
        return True
    if key == Qt.Key.Key_Delete:
        canvas.cancelRequested.emit(selected)
        return True
    return False


def paint_focus(painter: QPainter, session: QRectF | None, whole: QRectF, palette: QPalette) -> None:
    """A dashed ring in the highlight colour round the selected session (round the grid when none)."""
    pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DashLine)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if session is not None:
        painter.drawRoundedRect(session.adjusted(-3, -3, 3, 3), 5, 5)
    else:
        painter.drawRect(whole.adjusted(1, 1, -2, -2))
    painter.restore()


def announce_selection(widget: QWidget, summary: str, base: str = GRID_NAME) -> None:
    """Name the grid after the selected session (``base`` when none) and tell assistive
    technology the name changed."""
    name = summary or base
    if widget.accessibleName() == name:
        return
    widget.setAccessibleName(name)
    QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.NameChanged))
