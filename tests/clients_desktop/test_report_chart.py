"""The report chart draws what there is: a figure that is nothing in every period (no refunds in
the range) is left to the table, and bars below nought (credits taken off) are on the chart."""

from __future__ import annotations

from PySide6.QtCharts import QBarSeries, QValueAxis

from swan_desktop.core.client_records import Report
from swan_desktop.qt.clients.report_chart import ReportChart


def _drawn(chart: ReportChart) -> tuple[list[str], QValueAxis]:
    [series] = chart.chart().series()
    assert isinstance(series, QBarSeries)
    [y] = [a for a in chart.chart().axes() if isinstance(a, QValueAxis)]
    return [bars.label() for bars in series.barSets()], y


def test_a_figure_with_nothing_in_the_range_is_not_drawn(qtbot) -> None:
    chart = ReportChart()
    qtbot.addWidget(chart)
    chart.show_report(Report("revenue", "month", rows=(
        {"period": "2026-10", "revenue_cents": 42000, "refunds_cents": 0},
        {"period": "2026-11", "revenue_cents": 84000, "refunds_cents": 0})))
    labels, _ = _drawn(chart)
    assert len(labels) == 1 and "Refund" not in labels[0]
    chart.show_report(Report("revenue", "month", rows=(
        {"period": "2026-10", "revenue_cents": 42000, "refunds_cents": 0},
        {"period": "2026-11", "revenue_cents": 84000, "refunds_cents": 25200})))
    assert len(_drawn(chart)[0]) == 2  # a refund in November: both


def test_a_range_of_nothing_still_draws_its_figure(qtbot) -> None:
    chart = ReportChart()
    qtbot.addWidget(chart)
    chart.show_report(Report("revenue", "month", rows=({"period": "2026-10", "revenue_cents": 0,
                                                        "refunds_cents": 0},)))
    assert len(_drawn(chart)[0]) == 1


def test_bars_below_nought_are_on_the_chart(qtbot) -> None:
    chart = ReportChart()
    qtbot.addWidget(chart)
    chart.show_report(Report("credits", "month", rows=(
        {"period": "2026-10", "sold": 10, "spent": 4, "lapsed": 0, "adjusted": -6},)))
    labels, y = _drawn(chart)
    assert len(labels) == 3  # sold, spent, adjusted; nothing lapsed
    assert y.min() <= -6 and y.max() >= 10
