"""Package definitions (admins): added with typed fields, edited, retired from sale; a
bad price is refused here before anything is sent. Against the real server: what it
keeps is read back from it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.clients.packages_page import PackagesPage
from tests.support.desktops import SignIn
from tests.support.poll import until

from .cells import cell


async def packages_on_server(boss: StudioClient) -> list[dict[str, Any]]:
    """``package.list`` as the server answers it (asked on the link: the desktop's store is left as it is)."""
    reply = await boss.link.request("package.list", {})
    return list(reply["packages"])


async def test_an_admin_adds_edits_and_retires_a_package(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    page = PackagesPage(boss.clients)
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.name, "Ten sessions")
    page.credits.selectAll()
    qtbot.keyClicks(page.credits, "10")
    qtbot.keyClicks(page.price, "45O")       # a typo: the letter O
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible() and "amount" in page.error.text()
    assert await packages_on_server(boss) == [], "nothing was created"
    page.price.clear()
    qtbot.keyClicks(page.price, "450")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.table.rowCount() == 1, what="the package listed")
    shown = [cell(page.table, 0, c) for c in range(5)]
    assert shown == ["Ten sessions", "10", "450.00 EUR", "90 days", "yes"]
    [created] = await packages_on_server(boss)
    assert {k: created[k] for k in ("name", "credits", "price_cents", "validity_days", "active")} == {
        "name": "Ten sessions", "credits": 10, "price_cents": 45000, "validity_days": 90, "active": True}

    page.table.selectRow(0)
    assert page.save_button.text() == "Save changes"
    page.price.clear()
    qtbot.keyClicks(page.price, "420")
    page.active.setFocus()
    qtbot.keyClick(page.active, Qt.Key.Key_Space)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: cell(page.table, 0, 4) == "retired", what="taken off sale")
    assert await packages_on_server(boss) == [{**created, "price_cents": 42000, "active": False}], \
        "the new price and off sale; the rest as it was"
    assert boss.clients.store.active_packages() == [], "no longer offered in the sale dialog"
    page.stop()
