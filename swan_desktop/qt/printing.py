"""Print a day or a week (or any view) on paper or to PDF.

The view is drawn by its own paint code, so paper shows what the screen shows:
a title line, then the view's parts (column headers, the whole day's grid —
including what is scrolled out of sight) scaled to fit one landscape page.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMarginsF, QPoint, QRectF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from .theme import light_palette

TITLE_H = 36.0


def printable_parts(view: QWidget) -> list[QWidget]:
    """The widgets that make up ``view`` on paper, top to bottom."""
    header, canvas = getattr(view, "header", None), getattr(view, "canvas", None)
    if isinstance(header, QWidget) and isinstance(canvas, QWidget):
        return [header, canvas]
    return [view]


def _layout() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                       QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)


def render(painter: QPainter, page: QRectF, title: str, parts: Sequence[QWidget]) -> float:
    """Draw ``title`` and ``parts`` into ``page``; returns the scale used."""
    font = QFont(painter.font())
    font.setPointSizeF(14)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRectF(page.left(), page.top(), page.width(), TITLE_H),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
    width = max(part.width() for part in parts)
    height = sum(part.height() for part in parts)
    room = QRectF(page.left(), page.top() + TITLE_H, page.width(), page.height() - TITLE_H)
    scale = min(room.width() / max(1, width), room.height() / max(1, height))
    painter.save()
    painter.translate(room.topLeft())
    painter.scale(scale, scale)
    y = 0
    for part in parts:
        screen_palette = part.palette()
        part.setPalette(light_palette())  # paper is white, whatever the screen's theme
        try:
            part.render(painter, QPoint(0, y))
        finally:
            part.setPalette(screen_palette)
        y += part.height()
    painter.restore()
    return scale


def _paint_on(device: QPdfWriter | QPrinter, title: str, view: QWidget) -> float:
    painter = QPainter(device)
    try:
        layout = device.pageLayout()
        page = QRectF(layout.paintRectPixels(device.resolution()))
        page.moveTo(0, 0)
        return render(painter, page, title, printable_parts(view))
    finally:
        painter.end()


def export_pdf(view: QWidget, path: str, title: str) -> float:
    """Write ``view`` as a one-page landscape A4 PDF at ``path``; returns the scale."""
    writer = QPdfWriter(path)
    writer.setResolution(150)
    writer.setPageLayout(_layout())
    writer.setTitle(title)
    writer.setCreator("Swan Desktop")
    return _paint_on(writer, title, view)


def open_print_dialog(view: QWidget, title: str, parent: QWidget | None = None) -> QPrintDialog:
    """Ask where to print (non-modal: ``open()``), then print when the user accepts."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(_layout())
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"Print {title}")
    dialog.accepted.connect(lambda: _paint_on(printer, title, view))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()  # never exec(): this may be called from a coroutine
    # Keep the printer alive as long as the dialog.
    dialog.setProperty("_printer", printer)
    return dialog
