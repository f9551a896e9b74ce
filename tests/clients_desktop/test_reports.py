"""The reports page: a run shows a chart and a table, and the CSV export's totals are
the studio's; a PDF is written too; a trainer sees only their own figures.

Against the real server, on its real clock: every sale is made now, so the figures
fall in this week and month; what each report should say is read back from the
server (the sales on the clients' cards, and its own ``report.run``)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument

from swan_desktop.core.client import StudioClient
from swan_desktop.core.client_records import Sale, cents_of
from swan_desktop.core.report_csv import figure_text
from swan_desktop.qt.clients.reports_page import ReportsPage
from tests.support.desktops import SignIn
from tests.support.poll import until

from .cells import cell
from .live_studio import ALL_DAY, at_ten, session_fields, set_up

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")


async def sell_some(boss: StudioClient) -> list[Sale]:
    """Three sales, one below the list price; the sales as the server keeps them (read back)."""
    ten = await boss.clients.create_package({"name": "Ten sessions", "credits": 10, "price_cents": 45000})
    five = await boss.clients.create_package({"name": "Five sessions", "credits": 5, "price_cents": 25000})
    sold: list[Sale] = []
    for name, package, price in (("Anna Berg", ten, None), ("Bruno Diaz", five, 20000),
                                 ("Clara Holm", ten, None)):
        client = await boss.clients.create({"name": name})
        await boss.clients.sell(client.id, package.id, price)
        sold += (await boss.clients.get(client.id)).packages
    assert [s.price_paid_cents for s in sold] == [45000, 20000, 45000], "list price unless another is given"
    return sold


def sold_on(sale: Sale) -> date:
    assert sale.sold_at is not None
    return sale.sold_at.astimezone(UTC).date()    # the studio's days are UTC's (set_up)


def page_for(qtbot, client: StudioClient, own_trainer: int | None = None) -> ReportsPage:
    page = ReportsPage(client.clients, lambda: client.store.directory, own_trainer=own_trainer,
                       today=datetime.now(UTC).date())
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


async def test_a_revenue_report_exported_to_csv_has_the_studios_totals(qtbot, on_server: SignIn,
                                                                       tmp_path: Path) -> None:
    boss = await on_server("boss")
    await set_up(boss)
    sold = await sell_some(boss)
    first, last = sold_on(sold[0]) - timedelta(days=20), sold_on(sold[-1]) + timedelta(days=1)
    page = page_for(qtbot, boss)
    page.set_range(first, last, "week", "revenue")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.report is not None, what="the report shown")
    assert page.report is not None
    expected = await boss.clients.report("revenue", first.isoformat(), last.isoformat(), "week")
    assert expected.totals["revenue_cents"] == sum(s.price_paid_cents for s in sold), "what was paid"
    assert expected.totals["sales"] == len(sold)
    weeks = {"{}-W{:02d}".format(*sold_on(s).isocalendar()[:2]) for s in sold}
    assert {r["period"] for r in expected.rows} == weeks, "each sale in the week it was made"
    assert page.report.rows == expected.rows
    assert page.table.rowCount() == len(expected.rows) + 1
    assert cell(page.table, page.table.rowCount() - 1, 0) == "Total"
    assert page.chart.chart().series(), "the figures are drawn"
    assert page.csv_button.isEnabled()

    target = page.export(tmp_path / "revenue.csv")
    assert target is not None
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = rows[-1]
    assert total["Period"] == "Total"
    assert total["Revenue (EUR)"] == figure_text("revenue_cents", expected.totals["revenue_cents"])
    assert cents_of(total["Revenue (EUR)"]) == expected.totals["revenue_cents"]
    assert int(total["Sales"]) == expected.totals["sales"]
    assert sum(cents_of(r["Revenue (EUR)"]) or 0 for r in rows[:-1]) == expected.totals["revenue_cents"]
    assert [r["Period"] for r in rows[:-1]] == [r["period"] for r in expected.rows]

    pdf = page.export(tmp_path / "revenue.pdf")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")

    # Bruno's sale was made by mistake: voided, it leaves the figures, and the page says so.
    assert page.aside.isHidden()
    await boss.clients.void_sale(sold[1].id, "sold to the wrong client")
    shown = page.report
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.report is not shown, what="the report run again")
    assert page.report is not None
    assert page.report.totals["revenue_cents"] == expected.totals["revenue_cents"] - 20000
    assert page.report.totals["sales"] == len(sold) - 1
    assert page.aside.text() == ("Not counted: 1 sale (200.00 EUR) in this range, voided since as made "
                                 "by mistake.")
    assert page.aside.isVisible()
    headers = [str(page.table.model().headerData(c, Qt.Orientation.Horizontal))
               for c in range(page.table.columnCount())]
    assert not any("oided" in h for h in headers), headers
    on_paper = page.export(tmp_path / "revenue-after.pdf")  # the PDF says it too, under the table
    assert on_paper is not None
    document = QPdfDocument()
    assert document.load(str(on_paper)) == QPdfDocument.Error.None_
    assert "Not counted: 1 sale (200.00 EUR)" in document.getAllText(0).text()


async def test_by_month_and_a_refused_range(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    await set_up(boss)
    sold = await sell_some(boss)
    first = sold_on(sold[0]).replace(day=1)
    last = first + timedelta(days=60)     # this month and the next
    page = page_for(qtbot, boss)
    page.set_range(first, last, "month", "credits")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.report is not None)
    assert page.report is not None
    months = sorted({f"{sold_on(s):%Y-%m}" for s in sold})
    assert [r["period"] for r in page.report.rows] == months, "one row a month with figures"
    expected = await boss.clients.report("credits", first.isoformat(), last.isoformat(), "month")
    assert page.report.rows == expected.rows
    assert expected.totals["sold"] == sum(s.credits for s in sold)
    page.set_range(last, first)
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible() and "ends before it starts" in page.error.text()


async def test_a_trainer_runs_reports_for_their_own_figures_only(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    ids = await set_up(boss)      # Ana Kowalski's sessions ...
    other = await boss.admin.create_trainer("Bea Novak", color="#8b1f5f")
    await boss.admin.set_hours(other.id, ALL_DAY)
    for day, trainer in enumerate((ids["trainer"], other.id, other.id, other.id), 2):  # ... and Bea's
        await boss.create_session(session_fields({**ids, "trainer": trainer}, at_ten(day), "pt"))
    accounts = await boss.admin.load_accounts()
    ana_account = next(a for a in accounts if a.username == "ana")
    await boss.admin.update_account(ana_account.id, trainer_id=ids["trainer"])
    ana = await on_server("ana")

    page = page_for(qtbot, ana, own_trainer=ids["trainer"])
    assert not page.trainer.isEnabled()
    assert page.trainer.currentText() == "Ana Kowalski"
    first, last = at_ten(0).date(), at_ten(14).date()
    page.set_range(first, last, "week", "utilisation")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.report is not None, what="the trainer's report")
    assert page.report is not None and not page.error.isVisible()
    span = (first.isoformat(), last.isoformat(), "week")
    own = await boss.clients.report("utilisation", *span, ids["trainer"])
    studio = await boss.clients.report("utilisation", *span)
    assert page.report.rows == own.rows and page.report.totals == own.totals, "Ana's figures"
    assert {r["trainer_id"] for r in page.report.rows if "trainer_id" in r} == {ids["trainer"]}
    assert (page.report.totals["booked_hours"], studio.totals["booked_hours"]) == (1.0, 4.0), \
        "not the studio's"
