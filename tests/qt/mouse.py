"""Mouse gestures on a widget as Qt delivers them: ``send`` one mouse event, ``drag`` from one point
to another (press, two moves, release)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget


def send(widget: QWidget, kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(canvas: QWidget, start: QPointF, end: QPointF) -> None:
    send(canvas, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    middle = QPointF((start.x() + end.x()) / 2, (start.y() + end.y()) / 2)
    send(canvas, QEvent.Type.MouseMove, middle, Qt.MouseButton.LeftButton)
    send(canvas, QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton)
    send(canvas, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
