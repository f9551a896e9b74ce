"""A report on paper: its title, the chart as shown, the table with its totals and what the
figures leave out, on one landscape A4 page (PDF through ``QPdfWriter``, as the schedule's printing does)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsView

from ...core.client_records import Report
from ...core.report_csv import left_out, table


def write_pdf(path: str | Path, title: str, report: Report, chart: QGraphicsView,
              currency: str = "EUR", trainer_name: Callable[[int], str] = str) -> Path:
    target = Path(path)
    writer = QPdfWriter(str(target))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    painter = QPainter(writer)
    try:
        page = QRectF(painter.viewport())
        font = QFont(painter.font())
        font.setPointSizeF(14)
        font.setBold(True)
        painter.setFont(font)
        line = painter.fontMetrics().height()
        painter.drawText(QRectF(0, 0, page.width(), line * 1.4), Qt.AlignmentFlag.AlignLeft, title)
        chart_box = QRectF(0, line * 1.6, page.width(), page.height() * 0.5)
        chart.render(painter, chart_box)  # the scene, drawn as vectors at the page's resolution
        font.setPointSizeF(9)
        font.setBold(False)
        painter.setFont(font)
        row_h = painter.fontMetrics().height() * 1.3
        headers, rows = table(report, currency, trainer_name)
        col_w = page.width() / max(1, len(headers))
        y = chart_box.bottom() + row_h
        for r, cells in enumerate([headers, *rows]):
            bold = r == 0 or r == len(rows)
            font.setBold(bold)
            painter.setFont(font)
            for c, text in enumerate(cells):
                side = Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignRight
                painter.drawText(QRectF(c * col_w, y, col_w - 6, row_h),
                                 int(Qt.AlignmentFlag.AlignVCenter | side), text)
            y += row_h
            if y + row_h > page.height():
                writer.newPage()
                y = 0.0
        aside = left_out(report, currency)  # what the figures leave out (sales voided since)
        if aside:
            font.setBold(False)
            font.setItalic(True)
            painter.setFont(font)
            painter.drawText(QRectF(0, y + row_h * 0.3, page.width(), row_h), int(Qt.AlignmentFlag.AlignLeft),
                             aside)
    finally:
        painter.end()
    return target

