"""Package definitions (admins): added with typed fields, edited, retired from sale; a
bad price is refused here before anything is sent."""

from __future__ import annotations

from PySide6.QtCore import Qt

from swan_desktop.qt.clients.packages_page import PackagesPage
from tests.support.poll import until

from .cells import cell
from .fake_clients import Desktop, FakeClients


async def test_an_admin_adds_edits_and_retires_a_package(qtbot, studio: FakeClients, desk: Desktop) -> None:
    page = PackagesPage(desk.clients)
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.name, "Ten sessions")
    page.credits.selectAll()
    qtbot.keyClicks(page.credits, "10")
    qtbot.keyClicks(page.price, "45O")       # a typo: the letter O
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible() and "amount" in page.error.text()
    assert not any(c[0] == "package.create" for c in studio.calls)
    page.price.clear()
    qtbot.keyClicks(page.price, "450")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.table.rowCount() == 1, what="the package listed")
    shown = [cell(page.table, 0, c) for c in range(5)]
    assert shown == ["Ten sessions", "10", "450.00 EUR", "90 days", "yes"]

    page.table.selectRow(0)
    assert page.save_button.text() == "Save changes"
    page.price.clear()
    qtbot.keyClicks(page.price, "420")
    page.active.setFocus()
    qtbot.keyClick(page.active, Qt.Key.Key_Space)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: cell(page.table, 0, 4) == "retired", what="taken off sale")
    sent = [c[1] for c in studio.calls if c[0] == "package.update"]
    assert sent[0]["changes"] == {"price_cents": 42000, "active": False}
    assert desk.clients.store.active_packages() == [], "no longer offered in the sale dialog"
    page.stop()
