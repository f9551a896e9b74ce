"""``MetricChart``: one QtCharts line chart of one or more history series over the chosen range.

Buckets without a measurement are left out of the line (never drawn as zero);
a chart with no measured point at all says "no data".
"""

from __future__ import annotations

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, QEvent, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from .figures import NO_DATA

PALETTE = ("#3b6fb6", "#e0a100", "#c62828", "#2e7d32")
#: Range → time format of the x axis.
TIME_FORMATS = {"5m": "HH:mm:ss", "1h": "HH:mm", "24h": "HH:mm", "7d": "dd MMM"}


class MetricChart(QChartView):
    """Shows ``series`` (name → legend label) scaled by ``factor`` (e.g. bytes → MiB)."""

    def __init__(self, title: str, series: dict[str, str], unit: str, factor: float = 1.0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.names = series
        self.unit = unit
        self.factor = factor
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(190)
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(4)
        font = QFont(chart.titleFont())
        font.setBold(True)
        chart.setTitleFont(font)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self._x = QDateTimeAxis()
        self._y = QValueAxis()
        self._y.setLabelFormat("%.1f")
        self._y.setTitleText(unit)
        chart.addAxis(self._x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self._y, Qt.AlignmentFlag.AlignLeft)
        self.lines: dict[str, QLineSeries] = {}
        for i, (name, label) in enumerate(series.items()):
            line = QLineSeries()
            line.setName(label)
            line.setPen(QPen(QColor(PALETTE[i % len(PALETTE)]), 1.6))
            chart.addSeries(line)
            line.attachAxis(self._x)
            line.attachAxis(self._y)
            self.lines[name] = line
        self.setChart(chart)
        self.follow_palette()
        self.has_data = False
        self.set_points({}, 0, 0, "1h")

    def set_points(self, points: dict[str, list[tuple[int, float]]], start: int, end: int,
                   range_name: str) -> None:
        """Points per series name as ``(t seconds, value)``; the x axis spans ``start``..``end``."""
        top = 0.0
        self.has_data = False
        for name, line in self.lines.items():
            values = [QPointF(t * 1000.0, v * self.factor) for t, v in points.get(name, [])]
            line.replace(values)
            if values:
                self.has_data = True
                top = max(top, max(p.y() for p in values))
        self._x.setFormat(TIME_FORMATS.get(range_name, "HH:mm"))
        self._x.setRange(QDateTime.fromSecsSinceEpoch(start),
                         QDateTime.fromSecsSinceEpoch(max(end, start + 1)))
        self._y.setRange(0.0, top * 1.15 if top > 0 else 1.0)
        self.chart().setTitle(self.title if self.has_data else f"{self.title} — {NO_DATA}")
        self._y.setVisible(self.has_data)

    def follow_palette(self) -> None:
        """Light or dark chart to match the window (the theme can change while shown)."""
        chart = self.chart()
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        theme = QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight
        if chart.theme() != theme:
            title_font = QFont(chart.titleFont())
            chart.setTheme(theme)  # resets pens and fonts: put ours back
            chart.setTitleFont(title_font)
            for i, line in enumerate(self.lines.values()):
                line.setPen(QPen(QColor(PALETTE[i % len(PALETTE)]), 1.6))
        chart.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Base))
        chart.setTitleBrush(self.palette().color(QPalette.ColorRole.Text))
        self.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Window))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.follow_palette()

    def points(self, name: str) -> list[tuple[float, float]]:
        """What the named line shows, as ``(t seconds, value)`` (for tests and export)."""
        return [(p.x() / 1000.0, p.y()) for p in self.lines[name].points()]
