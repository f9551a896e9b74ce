"""The key to the calendar: colour is the session type; fill, border and mark are the status.

``TypeLegend`` sits next to the status legend under the schedule (one swatch per
session type); ``CalendarKeyDialog`` explains every marking in one place,
painted with the same blocks as the grid.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...protocol.entities import SessionType, Status
from ..session_block import MARKS, paint_block, paint_mark
from ..style import canvas_colors, status_label
from .status_legend import LEGEND_COLOR, ORDER

SWATCH_W, SWATCH_H, GAP = 14, 14, 12

#: How each status is drawn, in words.
MARKING = {
    Status.CONFIRMED: "solid fill in the type's colour, marked ●",
    Status.SCHEDULED: "light tint of the type's colour, solid border",
    Status.REQUESTED: "pale tint, dashed border, marked ? — waiting to be confirmed",
    Status.AVAILABLE: "empty, dotted border, marked + — an open slot",
    Status.COMPLETED: "muted grey tint, marked ✓",
    Status.CANCELLED: "pale grey, struck through, dashed border, marked ✕",
    Status.BLOCKED: "grey hatching — the trainer's time off",
}
MARK_WORDS = {"pending": "a change not yet on the server", "failed": "a change the server refused"}


class TypeLegend(QWidget):
    """One colour swatch and name per session type."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Session type colours")
        self.setToolTip("Each session type's colour")
        self._types: list[SessionType] = []

    def set_types(self, types: Sequence[SessionType]) -> None:
        types = sorted(types, key=lambda t: t.name.lower())
        if types != self._types:
            self._types = types
            self.setAccessibleDescription(", ".join(t.name for t in types))
            self.updateGeometry()
            self.update()

    def names(self) -> list[str]:
        return [t.name for t in self._types]

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        width = sum(SWATCH_W + 5 + fm.horizontalAdvance(t.name) + GAP for t in self._types)
        return QSize(width, max(SWATCH_H, fm.height()) + 4)

    def minimumSizeHint(self) -> QSize:
        # On a narrow screen the type key gives way (the Key… dialog has it all).
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fm = QFontMetrics(self.font())
        y = (self.height() - SWATCH_H) / 2
        x = 0.0
        for t in self._types:
            painter.setPen(QColor(t.color).darker(130))
            painter.setBrush(QColor(t.color))
            painter.drawRoundedRect(QRectF(x, y, SWATCH_W, SWATCH_H), 3, 3)
            x += SWATCH_W + 5
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(QPointF(x, (self.height() + fm.ascent() - fm.descent()) / 2), t.name)
            x += fm.horizontalAdvance(t.name) + GAP
        painter.end()


class _Swatch(QWidget):
    """A block as the grid draws it: a type colour, a status, or a change mark."""

    def __init__(self, color: str, status: Status = Status.CONFIRMED, mark: str | None = None) -> None:
        super().__init__()
        self._color, self._status, self._mark = color, status, mark
        self.setFixedSize(46 if mark else 34, 20)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = QRectF(1, 1, self.width() - 2, self.height() - 2)
        glyph_room = () if self._mark else ("",)
        canvas = canvas_colors(self.palette())
        paint_block(painter, rect, self._color, self._status, glyph_room, canvas=canvas)
        if self._mark:
            paint_mark(painter, rect, self._mark)
        painter.end()


class CalendarKeyDialog(QDialog):
    """Colour, border and marks explained together (opened with ``open()``)."""

    def __init__(self, types: Sequence[SessionType], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Calendar key")
        self.setAccessibleName("Calendar key")
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        row = 0
        self.lines: list[str] = []

        def heading(text: str) -> None:
            nonlocal row
            label = QLabel(f"<b>{text}</b>")
            grid.addWidget(label, row, 0, 1, 2)
            row += 1

        def line(swatch: QWidget, text: str) -> None:
            nonlocal row
            grid.addWidget(swatch, row, 0)
            grid.addWidget(QLabel(text), row, 1)
            self.lines.append(text)
            row += 1

        heading("Colour: the session type")
        for t in sorted(types, key=lambda t: t.name.lower()):
            line(_Swatch(t.color), f"{t.name} ({t.duration_min} min)")
        heading("Fill, border and mark: the status")
        for status in ORDER:
            line(_Swatch(LEGEND_COLOR, status), f"{status_label(status)}: {MARKING[status]}")
        heading("Changes on their way")
        for mark in MARKS:
            line(_Swatch(LEGEND_COLOR, Status.SCHEDULED, mark), f"“{MARKS[mark][0]}”: {MARK_WORDS[mark]}")
        heading("Others")
        line(QLabel("  ◯"), "A ring in someone's colour: they are looking at or editing that session")
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
