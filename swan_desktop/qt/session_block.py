"""Painting one session as a rounded block marked by type colour and status."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen

from ..protocol.entities import Status
from .style import SELECTION, STATUS_LOOK, block_colors

RADIUS = 5.0
PAD = 4.0


def paint_block(painter: QPainter, rect: QRectF, type_color: str, status: Status,
                lines: Sequence[str], *, selected: bool = False, font: QFont | None = None) -> None:
    """Draw a session block in ``rect`` with up to ``len(lines)`` lines of text."""
    look = STATUS_LOOK[status]
    colors = block_colors(type_color, status)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    body = rect.adjusted(0.5, 0.5, -0.5, -0.5)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colors.fill)
    painter.drawRoundedRect(body, RADIUS, RADIUS)
    if colors.hatch is not None:
        painter.setBrush(QBrush(colors.hatch, Qt.BrushStyle.BDiagPattern))
        painter.drawRoundedRect(body, RADIUS, RADIUS)
    pen = QPen(colors.outline, 1.4, look.outline)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(body, RADIUS, RADIUS)
    if selected:
        painter.setPen(QPen(SELECTION, 2.5))
        painter.drawRoundedRect(rect.adjusted(1.25, 1.25, -1.25, -1.25), RADIUS, RADIUS)
    if lines and rect.height() >= 10 and rect.width() >= 14:
        _paint_text(painter, rect, lines, colors.text, look.glyph, look.strike, font)
    painter.restore()


def _paint_text(painter: QPainter, rect: QRectF, lines: Sequence[str], color: QColor,
                glyph: str, strike: bool, font: QFont | None) -> None:
    base = QFont(font) if font is not None else QFont(painter.font())
    painter.setPen(color)
    inner = rect.adjusted(PAD + 1, PAD - 1, -PAD, -PAD + 1)
    glyph_w = 0.0
    if glyph:
        gfont = QFont(base)
        gfont.setBold(True)
        painter.setFont(gfont)
        gm = QFontMetrics(gfont)
        glyph_w = gm.horizontalAdvance(glyph) + 3
        if inner.width() > glyph_w * 3:
            painter.drawText(QPointF(inner.right() - glyph_w + 3, inner.top() + gm.ascent()), glyph)
        else:
            glyph_w = 0.0
    y = inner.top()
    for i, line in enumerate(lines):
        f = QFont(base)
        f.setBold(i == 1 or len(lines) == 1)
        f.setStrikeOut(strike)
        fm = QFontMetrics(f)
        if y + fm.height() > inner.bottom() + 2 and i > 0:
            break
        width = inner.width() - (glyph_w if i == 0 else 0.0)
        text = fm.elidedText(line, Qt.TextElideMode.ElideRight, max(0, int(width)))
        painter.setFont(f)
        painter.drawText(QPointF(inner.left(), y + fm.ascent()), text)
        y += fm.height()
