"""The reports page: a run shows a chart and a table, and the CSV export's totals are
the studio's; a PDF is written too; a trainer sees only their own figures."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from swan_desktop.core.client_records import cents_of
from swan_desktop.qt.clients.reports_page import ReportsPage
from tests.support.poll import until

from .cells import cell
from .fake_clients import TRAINER, Desktop, FakeClients


def sell_some(studio: FakeClients) -> None:
    ten = studio.add_package("Ten sessions", credits=10, price_cents=45000)
    five = studio.add_package("Five sessions", credits=5, price_cents=25000)
    for i, (name, package, price) in enumerate((("Anna Berg", ten, None), ("Bruno Diaz", five, 20000),
                                                ("Clara Holm", ten, None))):
        studio.now = datetime.fromisoformat("2031-03-03T09:00:00+00:00") + timedelta(days=9 * i)
        client = studio.add_client(name)
        data = {"client_id": client["id"], "package_id": package["id"]}
        if price is not None:
            data["price_paid_cents"] = price
        studio._package_sell(data)


def page_for(qtbot, desk: Desktop, own_trainer: int | None = None) -> ReportsPage:
    page = ReportsPage(desk.clients, lambda: desk.store.directory, own_trainer=own_trainer,
                       today=date(2031, 3, 31))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


async def test_a_revenue_report_exported_to_csv_has_the_studios_totals(qtbot, studio: FakeClients,
                                                                       desk: Desktop, tmp_path: Path) -> None:
    sell_some(studio)
    page = page_for(qtbot, desk)
    page.set_range(date(2031, 3, 1), date(2031, 3, 31), "week", "revenue")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.report is not None, what="the report shown")
    assert page.report is not None
    expected = studio._report_run({"kind": "revenue", "start": "2031-03-01", "end": "2031-03-31",
                                   "by": "week"})
    assert page.table.rowCount() == len(expected["rows"]) + 1
    assert cell(page.table, page.table.rowCount() - 1, 0) == "Total"
    assert page.chart.chart().series(), "the figures are drawn"
    assert page.csv_button.isEnabled()

    target = page.export(tmp_path / "revenue.csv")
    assert target is not None
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = rows[-1]
    assert total["Period"] == "Total"
    assert total["Revenue (EUR)"] == "1100.00"
    assert cents_of(total["Revenue (EUR)"]) == expected["totals"]["revenue_cents"] == 45000 + 20000 + 45000
    assert int(total["Sales"]) == 3
    assert sum(cents_of(r["Revenue (EUR)"]) or 0 for r in rows[:-1]) == expected["totals"]["revenue_cents"]
    assert [r["Period"] for r in rows[:-1]] == [r["period"] for r in expected["rows"]]

    pdf = page.export(tmp_path / "revenue.pdf")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")


async def test_by_month_and_a_refused_range(qtbot, studio: FakeClients, desk: Desktop) -> None:
    sell_some(studio)
    page = page_for(qtbot, desk)
    page.set_range(date(2031, 3, 1), date(2031, 4, 30), "month", "credits")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.report is not None)
    assert page.report is not None and [r["period"] for r in page.report.rows] == ["2031-03"]
    page.set_range(date(2031, 3, 31), date(2031, 3, 1))
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible() and "ends before it starts" in page.error.text()


async def test_a_trainer_runs_reports_for_their_own_figures_only(qtbot, studio: FakeClients,
                                                                desk: Desktop) -> None:
    page = page_for(qtbot, desk, own_trainer=TRAINER)
    assert not page.trainer.isEnabled()
    assert page.trainer.currentText() == "Ana Kowalski"
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: any(c[0] == "report.run" for c in studio.calls))
    assert next(c[1] for c in studio.calls if c[0] == "report.run")["trainer_id"] == TRAINER
