"""Painting one session as a rounded block marked by type colour and status."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen, QStaticText

from ..protocol.entities import Status
from .fit_text import fitting
from .style import LIGHT, STATUS_LOOK, CanvasColors, block_colors

RADIUS = 5.0
PAD = 4.0


def paint_block(painter: QPainter, rect: QRectF, type_color: str, status: Status,
                lines: Sequence[str], *, selected: bool = False, font: QFont | None = None,
                canvas: CanvasColors = LIGHT) -> None:
    """Draw a session block in ``rect`` with up to ``len(lines)`` lines of text, coloured
    for the ``canvas`` it sits on (light or dark)."""
    look = STATUS_LOOK[status]
    colors = block_colors(type_color, status, dark=canvas.dark)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    body = rect.adjusted(0.5, 0.5, -0.5, -0.5)
    pen = QPen(colors.outline, 1.4, look.outline)
    if colors.hatch is not None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors.fill)
        painter.drawRoundedRect(body, RADIUS, RADIUS)
        painter.setBrush(QBrush(colors.hatch, Qt.BrushStyle.BDiagPattern))
    else:
        painter.setBrush(colors.fill)
    painter.setPen(pen)
    painter.drawRoundedRect(body, RADIUS, RADIUS)  # fill (or hatch) and outline in one pass
    if selected:
        painter.setPen(QPen(canvas.selection, 2.5))
        painter.drawRoundedRect(rect.adjusted(1.25, 1.25, -1.25, -1.25), RADIUS, RADIUS)
    if lines and rect.height() >= 10 and rect.width() >= 14:
        _paint_text(painter, rect, lines, colors.text, look.glyph, look.strike, font)
    painter.restore()


@lru_cache(maxsize=64)
def _font(family: str, point_size: float, bold: bool, strike: bool) -> tuple[QFont, QFontMetrics]:
    """Fonts and metrics are costly to build; a paint of a busy week needs thousands."""
    f = QFont(family)
    f.setPointSizeF(point_size)
    f.setBold(bold)
    f.setStrikeOut(strike)
    return f, QFontMetrics(f)


#: Laid-out text by (line, width in px, font key): shaping and eliding a line once,
#: not at every paint. Emptied when full, so it holds what is on screen lately.
_LAYOUTS: dict[tuple[str, int, tuple[str, float, bool, bool]], QStaticText] = {}
LAYOUT_CACHE_SIZE = 8000


def _layout(line: str, width: int, key: tuple[str, float, bool, bool]) -> QStaticText:
    found = _LAYOUTS.get((line, width, key))
    if found is None:
        f, fm = _font(*key)
        found = QStaticText(fitting(fm, line, width))
        found.setTextFormat(Qt.TextFormat.PlainText)
        found.prepare(font=f)
        if len(_LAYOUTS) >= LAYOUT_CACHE_SIZE:
            _LAYOUTS.clear()
        _LAYOUTS[(line, width, key)] = found
    return found


def _paint_text(painter: QPainter, rect: QRectF, lines: Sequence[str], color: QColor,
                glyph: str, strike: bool, font: QFont | None) -> None:
    base = font if font is not None else painter.font()
    family, size = base.family(), base.pointSizeF()
    painter.setPen(color)
    inner = rect.adjusted(PAD + 1, PAD - 1, -PAD, -PAD + 1)
    glyph_w = 0.0
    if glyph:
        gfont, gm = _font(family, size, True, False)
        painter.setFont(gfont)
        glyph_w = gm.horizontalAdvance(glyph) + 3
        if inner.width() > glyph_w * 3:
            painter.drawText(QPointF(inner.right() - glyph_w + 3, inner.top() + gm.ascent()), glyph)
        else:
            glyph_w = 0.0
    y = inner.top()
    for i, line in enumerate(lines):
        key = (family, size, i == 1 or len(lines) == 1, strike)
        f, fm = _font(*key)
        if y + fm.height() > inner.bottom() + 2 and i > 0:
            break
        width = inner.width() - (glyph_w if i == 0 else 0.0)
        painter.setFont(f)
        painter.drawStaticText(QPointF(inner.left(), y), _layout(line, max(0, int(width)), key))
        y += fm.height()


#: How a session with a change the server has not confirmed is marked.
MARKS = {"pending": ("pending…", QColor("#8a5a00"), QColor("#fff3cd")),
         "failed": ("⚠ not saved", QColor("#b3261e"), QColor("#fde7e9"))}


def paint_mark(painter: QPainter, rect: QRectF, mark: str, font: QFont | None = None) -> None:
    """A dashed frame and a small tag in the block's lower right corner."""
    text, ink, paper = MARKS[mark]
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(ink, 2, Qt.PenStyle.DashLine))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), RADIUS, RADIUS)
    base = font if font is not None else painter.font()
    tag_font, fm = _font(base.family(), max(7.0, base.pointSizeF() - 1), True, False)
    width = fm.horizontalAdvance(text) + 8
    height = fm.height() + 2
    if rect.width() > width + 4 and rect.height() > height + 4:
        tag = QRectF(rect.right() - width - 3, rect.bottom() - height - 3, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(paper)
        painter.drawRoundedRect(tag, 3, 3)
        painter.setPen(ink)
        painter.setFont(tag_font)
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
