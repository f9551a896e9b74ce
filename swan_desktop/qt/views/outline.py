"""The ring drawn around a session someone else is looking at or editing, in that person's colour.

Drawn outside the block's own border, so the pending/failed marks and the
selection stay readable; editing is a solid ring with the person's initials
in a tab, looking is a thinner dashed one.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen


@dataclass(frozen=True)
class Outline:
    color: str          # the person's stable colour
    initials: str       # shown in the tab
    editing: bool       # editing or dragging (solid) rather than looking (dashed)
    who: str = ""       # "Ana is editing", for tooltips and tests


def paint_outline(painter: QPainter, rect: QRectF, outline: Outline, font: QFont) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    color = QColor(outline.color)
    pen = QPen(color, 2.5 if outline.editing else 1.6)
    if not outline.editing:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5), 5, 5)
    tab_font = QFont(font)
    tab_font.setBold(True)
    tab_font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
    metrics = QFontMetricsF(tab_font)
    width = metrics.horizontalAdvance(outline.initials) + 8
    tab = QRectF(rect.right() - width - 3, rect.top() - 1, width, metrics.height() + 2)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(tab, 3, 3)
    painter.setFont(tab_font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(tab, Qt.AlignmentFlag.AlignCenter, outline.initials)
    painter.restore()
