"""``AnalyticsView``: the notification center's figures over a chosen range, as charts.

Time to acknowledge (median and p90) by category and by priority, the
category breakdown and notifications per hour of day (the peak hours). Every
figure comes from :meth:`NotificationStore.analytics` (measured from the
notifications' own times); a chart with nothing to show says so in words
instead of drawing zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.notifications import AckStats, Analytics, NotificationStore
from ...core.wallclock import in_zone, local_zone

RANGES = {"today": "Today", "week": "Last 7 days", "month": "Last 30 days", "all": "All time",
          "custom": "Dates…"}
MEDIAN_COLOR, P90_COLOR = "#5c8fc8", "#c98b3c"
CATEGORY_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1")
HOUR_COLOR = "#4e79a7"
PEAK_COLOR = "#e15759"


@dataclass(frozen=True)
class Span:
    """A range of creation times: ``since`` inclusive, ``until`` exclusive; None is open."""

    since: datetime | None
    until: datetime | None


def span_for(key: str, now: datetime, first: date | None = None, last: date | None = None) -> Span:
    """``today`` / ``week`` / ``month`` / ``all`` relative to ``now`` (local), or ``custom`` whole days."""
    tz = now.tzinfo
    if key == "today":
        return Span(datetime.combine(now.date(), time(0), tz), None)
    if key == "week":
        return Span(now - timedelta(days=7), None)
    if key == "month":
        return Span(now - timedelta(days=30), None)
    if key == "custom":
        if first is None or last is None or last < first:
            raise ValueError("the last day must not be before the first")
        return Span(datetime.combine(first, time(0), tz),
                    datetime.combine(last + timedelta(days=1), time(0), tz))
    return Span(None, None)


def ack_unit(*groups: dict[str, AckStats]) -> tuple[float, str]:
    """Seconds per unit and its name, so the slowest p90 reads as a small number."""
    slowest = max((s.p90_s for g in groups for s in g.values()), default=0.0)
    if slowest >= 3 * 3600:
        return 3600.0, "hours"
    if slowest >= 180:
        return 60.0, "minutes"
    return 1.0, "seconds"


def peak_hours(by_hour: list[int]) -> list[int]:
    top = max(by_hour, default=0)
    return [h for h, n in enumerate(by_hour) if top and n == top]


class ChartCard(QWidget):
    """A titled chart, or a sentence in its place when there is nothing to draw."""

    def __init__(self, title: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = QChart()
        self.chart.setTitle(title)
        font = QFont()
        font.setPointSize(10)
        font.setBold(True)
        self.chart.setTitleFont(font)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(4)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.title = QLabel(f"<b>{title}</b>")
        self.empty = QLabel(empty_text)
        self.empty.setObjectName("noData")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #607d8b; font-size: 11pt;")
        empty_page = QWidget()
        box = QVBoxLayout(empty_page)
        box.addWidget(self.title, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.empty, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(empty_page)
        self.stack.setMinimumSize(320, 220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    @property
    def has_data(self) -> bool:
        return self.stack.currentIndex() == 0

    def clear(self) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)

    def show_empty(self) -> None:
        self.clear()
        self.stack.setCurrentIndex(1)

    def show_chart(self) -> None:
        self.stack.setCurrentIndex(0)

    def bars(self, labels: list[str], sets: list[QBarSet], value_title: str,
             x: QValueAxis | QBarCategoryAxis | None = None) -> QBarSeries:
        """Replace the chart with grouped bars over ``labels`` (or over a given x axis)."""
        self.clear()
        series = QBarSeries()
        for s in sets:
            series.append(s)
        self.chart.addSeries(series)
        if x is None:
            x = QBarCategoryAxis()
            x.append(labels)
        small = x.labelsFont()
        small.setPointSize(8)
        x.setLabelsFont(small)
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x)
        y = QValueAxis()
        top = max((s.at(i) for s in sets for i in range(s.count())), default=0.0)
        y.setRange(0, _nice_ceiling(top))
        y.setTickCount(6)
        y.setLabelFormat("%g")
        y.setTitleText(value_title)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y)
        self.chart.legend().setVisible(len(sets) > 1)
        self.show_chart()
        return series


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50… × 10ⁿ (whose fifths are round) that holds ``value``."""
    if value <= 0:
        return 1.0
    scale = 1.0
    while value > 50 * scale:
        scale *= 10
    while value <= 0.5 * scale:
        scale /= 10
    return next(step * scale for step in (0.5, 1, 2.5, 5, 10, 25, 50) if value <= step * scale)


class AnalyticsView(QWidget):
    """Pick a range; four charts follow the store (refresh on :meth:`refresh`)."""

    def __init__(self, store: NotificationStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.figures: Analytics | None = None
        self.unit_s, self.unit_name = 60.0, "minutes"

        self.range = QComboBox()
        self.range.setAccessibleName("Analytics range")
        for key, label in RANGES.items():
            self.range.addItem(label, key)
        self.range.setCurrentIndex(list(RANGES).index("month"))
        today = QDate.currentDate()
        self.first = QDateEdit(today.addDays(-6))
        self.last = QDateEdit(today)
        for edit, name in ((self.first, "First day"), (self.last, "Last day")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self.refresh)
        self.range.currentIndexChanged.connect(self._range_changed)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #37474f;")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b71c1c;")

        self.ack_category = ChartCard("Time to acknowledge by category",
                                      "No data: nothing acknowledged in this range")
        self.ack_priority = ChartCard("Time to acknowledge by priority",
                                      "No data: nothing acknowledged in this range")
        self.categories = ChartCard("Notifications by category", "No data: no notifications in this range")
        self.hours = ChartCard("Notifications per hour of day", "No data: no notifications in this range")

        top = QHBoxLayout()
        top.addWidget(QLabel("Range:"))
        top.addWidget(self.range)
        self.dash = QLabel("–")
        top.addWidget(self.first)
        top.addWidget(self.dash)
        top.addWidget(self.last)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        top.addWidget(self.error)
        grid = QGridLayout()
        grid.addWidget(self.ack_category, 0, 0)
        grid.addWidget(self.ack_priority, 0, 1)
        grid.addWidget(self.categories, 1, 0)
        grid.addWidget(self.hours, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self._range_changed()

    # -- range ----------------------------------------------------------------
    def set_range(self, key: str, first: date | None = None, last: date | None = None) -> None:
        if first is not None and last is not None:
            for edit, day in ((self.first, first), (self.last, last)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.range.setCurrentIndex(list(RANGES).index(key))
        self.refresh()

    def _range_changed(self) -> None:
        custom = self.range.currentData() == "custom"
        for w in (self.first, self.dash, self.last):
            w.setVisible(custom)
        self.refresh()

    def span(self) -> Span:
        now = in_zone(self.store.clock(), local_zone())  # whole days on this computer's calendar
        first, last = self.first.date().toPython(), self.last.date().toPython()
        return span_for(str(self.range.currentData()), now, first, last)  # type: ignore[arg-type]

    # -- figures ----------------------------------------------------------------
    def refresh(self) -> None:
        try:
            span = self.span()
        except ValueError as err:
            self.error.setText(str(err).capitalize() + ".")
            return
        self.error.clear()
        figures = self.store.analytics(span.since, span.until)
        self.figures = figures
        self.unit_s, self.unit_name = ack_unit(figures.ack_by_category, figures.ack_by_priority)
        self._ack_chart(self.ack_category, figures.ack_by_category)
        self._ack_chart(self.ack_priority, figures.ack_by_priority)
        self._category_chart(figures)
        self._hour_chart(figures)
        if figures.total:
            peaks = peak_hours(figures.by_hour)
            acked = sum(s.count for s in figures.ack_by_priority.values())
            self.summary.setText(f"{figures.total} notifications · {acked} acknowledged · peak "
                                 + ", ".join(f"{h:02d}:00–{(h + 1) % 24:02d}:00" for h in peaks[:3]))
        else:
            self.summary.setText("No notifications in this range")

    def _ack_chart(self, card: ChartCard, stats: dict[str, AckStats]) -> None:
        if not stats:
            card.show_empty()
            return
        labels = list(stats)
        median, p90 = QBarSet("Median"), QBarSet("90th percentile")
        median.setColor(QColor(MEDIAN_COLOR))
        p90.setColor(QColor(P90_COLOR))
        for key in labels:
            median.append(stats[key].median_s / self.unit_s)
            p90.append(stats[key].p90_s / self.unit_s)
        series = card.bars([f"{k}<br>({stats[k].count})" for k in labels], [median, p90], self.unit_name)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsPrecision(2)
        for s in (median, p90):
            s.setLabelColor(QColor("#37474f"))

    def _category_chart(self, figures: Analytics) -> None:
        card = self.categories
        if not figures.total:
            card.show_empty()
            return
        card.clear()
        pie = QPieSeries()
        for i, (category, count) in enumerate(figures.by_category.items()):
            share = 100 * count / figures.total
            piece = pie.append(f"{category} {count} ({share:.0f}%)", count)
            piece.setColor(QColor(CATEGORY_COLORS[i % len(CATEGORY_COLORS)]))
            piece.setLabelVisible(False)
        pie.setPieSize(0.8)
        card.chart.addSeries(pie)
        card.chart.legend().setVisible(True)
        card.chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        card.show_chart()

    def _hour_chart(self, figures: Analytics) -> None:
        card = self.hours
        if not figures.total:
            card.show_empty()
            return
        counts = QBarSet("Notifications")
        counts.setColor(QColor(HOUR_COLOR))
        for n in figures.by_hour:
            counts.append(n)
        for h in peak_hours(figures.by_hour):
            counts.setBarSelected(h, True)
        counts.setSelectedColor(QColor(PEAK_COLOR))
        # 24 category labels do not fit: label every third hour under its bar.
        x = QCategoryAxis()
        x.setRange(-0.5, 23.5)
        x.setStartValue(-0.5)
        x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for h in range(0, 24, 3):
            x.append(f"{h:02d}:00", h)
        x.append("\u200b", 23.5)
        x.setGridLineVisible(False)
        x.setTitleText("hour of day")
        series = card.bars([], [counts], "notifications", x)
        series.setBarWidth(0.8)

    # -- what the charts show (for tests and accessibility) ----------------------
    @staticmethod
    def series_values(card: ChartCard) -> dict[str, list[float]]:
        """Each bar set's (or the pie's) values by name, as drawn."""
        out: dict[str, list[float]] = {}
        for series in card.chart.series():
            if isinstance(series, QBarSeries):
                for s in series.barSets():
                    out[s.label()] = [s.at(i) for i in range(s.count())]
            elif isinstance(series, QPieSeries):
                out["slices"] = [piece.value() for piece in series.slices()]
        return out

    @staticmethod
    def axis_labels(card: ChartCard) -> list[str]:
        for axis in card.chart.axes(Qt.Orientation.Horizontal):
            if isinstance(axis, QBarCategoryAxis):
                return list(axis.categories())
        return []
