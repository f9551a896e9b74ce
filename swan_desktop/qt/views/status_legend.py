"""A small key to the status markings, painted with the same blocks as the grid."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from ...protocol.entities import Status
from ..session_block import paint_block
from ..style import canvas_colors, status_label

LEGEND_COLOR = "#5b8db8"
ORDER = (Status.CONFIRMED, Status.SCHEDULED, Status.REQUESTED, Status.AVAILABLE, Status.COMPLETED,
         Status.CANCELLED, Status.BLOCKED)
SWATCH_W, SWATCH_H, GAP = 22, 14, 14


class StatusLegend(QWidget):
    """One swatch and label per status, in booking order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Status key")
        self.setToolTip("How each status is marked on the schedule")

    def sizeHint(self) -> QSize:
        fm = QFontMetrics(self.font())
        width = sum(SWATCH_W + 5 + fm.horizontalAdvance(status_label(s)) + GAP for s in ORDER)
        return QSize(width, max(SWATCH_H, fm.height()) + 4)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        colors = canvas_colors(self.palette())
        fm = QFontMetrics(self.font())
        y = (self.height() - SWATCH_H) / 2
        x = 0.0
        for status in ORDER:
            paint_block(painter, QRectF(x, y, SWATCH_W, SWATCH_H), LEGEND_COLOR, status, (),
                        canvas=colors)
            x += SWATCH_W + 5
            label = status_label(status)
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(QPointF(x, (self.height() + fm.ascent() - fm.descent()) / 2), label)
            x += fm.horizontalAdvance(label) + GAP
        painter.end()
