"""A report's figures per period as a QtCharts bar chart (one bar set per figure)."""

from __future__ import annotations

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from ...core.client_records import Report
from ...core.report_csv import is_money, title_of
from ..monitor.charts import PALETTE


class ReportChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.setChart(QChart())
        self.show_report(None)

    def show_report(self, report: Report | None, currency: str = "EUR") -> None:
        """Amounts of money are drawn alone when the report has any (counts would be lost beside them)."""
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        if report is None or not report.rows:
            chart.setTitle("No figures for this range" if report is not None
                           else "Run a report to see it here")
            self.setChart(chart)
            return
        chart.setTitle(f"{title_of(report.kind)} by {report.by}")
        series = QBarSeries()
        # Rows split by trainer, room or package add up per period; rates do not add up and are
        # left to the table (unless they are all there is).
        periods: list[str] = []
        sums: dict[tuple[str, str], float] = {}
        for row in report.rows:
            period = str(row.get("period", ""))
            if period not in periods:
                periods.append(period)
            for figure in report.figures():
                value = row.get(figure)
                if isinstance(value, int | float):
                    sums[period, figure] = sums.get((period, figure), 0.0) + float(value)
        figures = report.figures()
        counts = [f for f in figures if not (f.endswith("_rate") or f == "utilisation")] or figures
        drawn = [f for f in counts if is_money(f)] or counts
        # a figure that is nothing in every period (no refunds in the range) is left to the table
        drawn = [f for f in drawn if any(sums.get((p, f), 0.0) for p in periods)] or drawn[:1]
        top = bottom = 0.0
        for i, figure in enumerate(drawn):
            bars = QBarSet(title_of(figure, currency))
            bars.setColor(QColor(PALETTE[i % len(PALETTE)]))
            for period in periods:
                value = sums.get((period, figure), 0.0) / (100 if is_money(figure) else 1)
                bars.append(value)
                top, bottom = max(top, value), min(bottom, value)
            series.append(bars)
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append(periods)
        y = QValueAxis()
        # below nought too: credits taken off by adjustments, or more given back than sold
        y.setRange(bottom * 1.1, top * 1.1 if top > 0 else 1)
        y.setLabelFormat("%.0f")
        y.applyNiceNumbers()
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        self.setChart(chart)
