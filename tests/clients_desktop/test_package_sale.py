"""Selling a package (list price by default, expiry shown) and booking against it from
the client card — the credit is spent when the session is completed; an admin's
credit adjustment needs a reason; a long ledger pages back. Against the real server:
what was sold, spent and adjusted is read back from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.clients.adjust_dialog import AdjustCreditsDialog
from swan_desktop.qt.clients.clients_page import ClientsPage
from swan_desktop.qt.clients.install import book_in
from swan_desktop.qt.clients.sale_dialogs import RefundSaleDialog, VoidSaleDialog
from swan_desktop.qt.clients.sell_dialog import SellPackageDialog
from swan_desktop.qt.schedule_pane import SchedulePane
from tests.admin_desktop.opened import opened
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.server import paced

from .cells import cell
from .live_studio import set_up

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")


async def paced_adjust(boss: StudioClient, client_id: int, reason: str) -> None:
    """One credit added, waiting as long as the server's rate limit asks (many requests in a row)."""
    await paced(lambda: boss.clients.adjust(client_id, 1, reason))


async def open_card(qtbot, boss: StudioClient, client_id: int) -> ClientsPage:
    page = ClientsPage(boss.clients, lambda: boss.store.directory, is_admin=True, can_edit=True)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    await boss.clients.load_packages()
    page.start()
    await until(lambda: page.model.rowCount() > 0)
    page.table.selectRow(0)
    await until(lambda: page.card.client_id == client_id, what="the client's card")
    return page


async def test_a_package_sold_at_list_price_then_a_session_booked_against_it(qtbot, on_server: SignIn
                                                                              ) -> None:
    boss = await on_server("boss")
    ids = await set_up(boss)
    anna = await boss.clients.create({"name": "Anna Berg"})
    ten = await boss.clients.create_package({"name": "Ten sessions", "credits": 10, "price_cents": 45000,
                                             "validity_days": 90})
    page = await open_card(qtbot, boss, anna.id)
    qtbot.mouseClick(page.card.sell_button, Qt.MouseButton.LeftButton)
    dialog = opened(page.dialog)
    assert isinstance(dialog, SellPackageDialog)
    assert dialog.price.text() == "450.00", "the list price is the default"
    assert "90 days from today" in dialog.expiry.text()
    qtbot.mouseClick(dialog.sell_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.balance.text() == "10 credits", what="the balance after the sale")
    card = await boss.clients.get(anna.id)
    sales = [(s.package_id, s.price_paid_cents) for s in card.packages]
    assert sales == [(ten.id, 45000)], "sold at the list price"
    await until(lambda: cell(page.card.packages, 0, 1) == "Ten sessions", what="the sale on the card")
    assert cell(page.card.packages, 0, 4) == "450.00 EUR"

    schedule = SchedulePane(boss.store, boss)
    qtbot.addWidget(schedule)
    # The editor books at the next hour of the day shown: on the studio's (UTC) tomorrow it is
    # still to come whatever the hour now.
    schedule.set_date(datetime.now(UTC).date() + timedelta(days=1))
    page.bookRequested.connect(lambda cid, name: book_in(schedule, cid, name))
    qtbot.mouseClick(page.card.book_button, Qt.MouseButton.LeftButton)
    editor = opened(schedule.editor)
    assert editor.form.client_combo.currentText() == "Anna Berg", "the editor opens with the client chosen"
    assert "10" in editor.form.credits_label.text(), "the picker knows the new balance"
    editor.form.trainer_combo.setCurrentIndex(editor.form.trainer_combo.findData(ids["trainer"]))
    editor.form.type_combo.setCurrentIndex(editor.form.type_combo.findData(ids["pt"]))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: cell(page.card.upcoming, 0, 2) == "Personal training", what="the booking on the card")
    assert page.card.balance.text() == "10 credits", "credits are spent when the session is completed"
    card = await boss.clients.get(anna.id)
    assert [s.client_id for s in card.upcoming] == [anna.id], "booked"
    assert card.client.balance == 10, "not spent"

    booked = next(s for s in boss.store.all_sessions() if s.client_id == anna.id)
    done = opened(schedule.open_editor(booked.id))
    done.form.status_combo.setCurrentIndex(done.form.status_combo.findData("completed"))
    qtbot.mouseClick(done.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.balance.text() == "9 credits", what="one credit spent on completion")
    await until(lambda: cell(page.card.ledger, 0, 3) == "Completed")
    assert cell(page.card.ledger, 0, 1) == "-1"
    assert boss.store.directory.clients[anna.id].credits == 9, "the editor's picker shows the balance"
    card = await boss.clients.get(anna.id)
    assert card.client.balance == 9
    newest = card.ledger[0]
    assert (newest.delta, newest.reason, newest.session_id) == (-1, "completion", booked.id)
    page.stop()


async def test_a_price_other_than_the_list_price_is_sent(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    anna = await boss.clients.create({"name": "Anna Berg"})
    await boss.clients.create_package({"name": "Five sessions", "credits": 5, "price_cents": 25000})
    page = await open_card(qtbot, boss, anna.id)
    dialog = opened(page.open_sale(anna.id))
    dialog.price.clear()
    qtbot.keyClicks(dialog.price, "abc")
    qtbot.mouseClick(dialog.sell_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "amount" in dialog.error.text()
    dialog.price.clear()
    qtbot.keyClicks(dialog.price, "200,50")
    qtbot.mouseClick(dialog.sell_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.balance.text() == "5 credits", what="the sale made")
    card = await boss.clients.get(anna.id)
    assert [s.price_paid_cents for s in card.packages] == [20050], "one sale, at the price typed"
    page.stop()


async def test_an_admin_adjusts_credits_with_a_reason(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    anna = await boss.clients.create({"name": "Anna Berg"})
    page = await open_card(qtbot, boss, anna.id)
    qtbot.mouseClick(page.card.adjust_button, Qt.MouseButton.LeftButton)
    dialog = opened(page.dialog)
    assert isinstance(dialog, AdjustCreditsDialog)
    dialog.delta.setFocus()
    qtbot.keyClick(dialog.delta, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.delta, Qt.Key.Key_Up)
    assert dialog.after.text() == "2"
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "why" in dialog.error.text().lower(), "no reason, nothing sent"
    assert (await boss.clients.get(anna.id)).ledger == (), "nothing reached the server"
    qtbot.keyClicks(dialog.reason, "goodwill: studio closed on Monday")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    await until(lambda: page.card.balance.text() == "2 credits")
    await until(lambda: cell(page.card.ledger, 0, 5) == "goodwill: studio closed on Monday")
    card = await boss.clients.get(anna.id)
    assert [(e.delta, e.reason, e.note) for e in card.ledger] == [
        (2, "adjustment", "goodwill: studio closed on Monday")]
    page.stop()


async def test_a_long_ledger_shows_its_older_entries_on_request(qtbot, on_server: SignIn) -> None:
    office, boss = await on_server("boss"), await on_server("boss")
    anna = await office.clients.create({"name": "Anna Berg"})
    for i in range(230):  # from another PC: this one's requests are not held back by the rate limit
        await paced_adjust(office, anna.id, f"visit {i}")
    page = await open_card(qtbot, boss, anna.id)
    assert page.card.ledger.rowCount() == 200
    page.card.tabs.setCurrentIndex(2)   # Credits
    assert page.card.older_button.isVisible()
    qtbot.mouseClick(page.card.older_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.ledger.rowCount() == 230, what="the 30 older entries")
    assert cell(page.card.ledger, 229, 5) == "visit 0"
    assert cell(page.card.ledger, 0, 5) == "visit 229"
    assert not page.card.older_button.isVisible()
    page.stop()


async def test_a_sale_made_by_mistake_is_voided_from_the_card(qtbot, on_server: SignIn) -> None:
    """The desk sold Anna a ten-pack meant for someone else: an admin picks the sale on the Packages
    tab (it says how many credits are left), says why, and voids it; the balance goes back, the sale
    says voided and why, the server agrees. A second sale, a credit of which another desk spends
    while the question is open, is refused in the server's words, nothing changed; the card then
    offers no void for it, and says why."""
    boss = await on_server("boss")
    anna = await boss.clients.create({"name": "Anna Berg"})
    ten = await boss.clients.create_package({"name": "Ten sessions", "credits": 10, "price_cents": 45000,
                                             "validity_days": 90})
    await boss.clients.sell(anna.id, ten.id)
    page = await open_card(qtbot, boss, anna.id)
    await until(lambda: cell(page.card.packages, 0, 1) == "Ten sessions", what="the sale on the card")
    assert cell(page.card.packages, 0, 3) == "10"  # left
    assert not page.card.void_button.isEnabled()  # nothing chosen yet
    page.card.packages.selectRow(0)
    assert page.card.void_button.isEnabled()
    qtbot.mouseClick(page.card.void_button, Qt.MouseButton.LeftButton)
    dialog = opened(page.dialog)
    assert isinstance(dialog, VoidSaleDialog)
    assert "Void the sale of Ten sessions to Anna Berg" in dialog.what.text()
    dialog.void_button.click()  # no reason: asked for one, nothing sent
    assert "Say why" in dialog.error.text() and dialog.isVisible()
    qtbot.keyClicks(dialog.reason, "sold to the wrong client")
    dialog.void_button.click()
    await until(lambda: page.card.balance.text() == "0 credits", what="the balance after the void")
    await until(lambda: cell(page.card.packages, 0, 6).startswith("Voided ")
                and cell(page.card.packages, 0, 6).endswith(": sold to the wrong client"),
                what="the sale marked voided on the card")
    assert cell(page.card.packages, 0, 3) == "0"
    page.card.packages.selectRow(0)
    assert not page.card.void_button.isEnabled()  # voided once
    [sale] = (await boss.clients.get(anna.id)).packages
    assert sale.voided_at is not None and sale.void_reason == "sold to the wrong client"

    await boss.clients.sell(anna.id, ten.id)
    await until(lambda: page.card.packages.rowCount() == 2 and cell(page.card.packages, 0, 6) == "",
                what="the second sale listed")
    page.card.packages.selectRow(0)
    qtbot.mouseClick(page.card.void_button, Qt.MouseButton.LeftButton)
    refused = opened(page.dialog)
    assert isinstance(refused, VoidSaleDialog)
    await boss.clients.adjust(anna.id, -1, "a session given elsewhere")  # another desk, meanwhile
    qtbot.keyClicks(refused.reason, "changed her mind")
    refused.void_button.click()
    await until(lambda: "1 of the sale's 10 credits was spent already" in refused.error.text(),
                what="the server's refusal in the dialog")
    assert refused.isVisible() and (await boss.clients.get(anna.id)).client.balance == 9
    refused.reject()
    await until(lambda: cell(page.card.packages, 0, 3) == "9", what="the card reloaded: 9 left")
    page.card.packages.selectRow(0)
    assert not page.card.void_button.isEnabled()
    assert page.card.void_button.toolTip() == ("1 of this sale's credits is spent or expired: adjust the "
                                               "client's credits instead.")


async def test_the_unused_part_of_a_package_is_refunded_from_the_card(qtbot, on_server: SignIn) -> None:
    """Anna used 4 of her ten and moves away: the admin picks the sale (6 left), the dialog offers
    the unused part's share of the price, the admin gives back a little less; the credits go, the
    sale says refunded, what and why, the server has it, and the sale offers nothing more."""
    boss = await on_server("boss")
    anna = await boss.clients.create({"name": "Anna Berg"})
    ten = await boss.clients.create_package({"name": "Ten sessions", "credits": 10, "price_cents": 45000,
                                             "validity_days": 90})
    await boss.clients.sell(anna.id, ten.id)
    await boss.clients.adjust(anna.id, -4, "four sessions")
    page = await open_card(qtbot, boss, anna.id)
    await until(lambda: cell(page.card.packages, 0, 3) == "6", what="6 left on the card")
    assert not page.card.refund_button.isEnabled()
    page.card.packages.selectRow(0)
    assert page.card.refund_button.isEnabled() and not page.card.void_button.isEnabled()
    qtbot.mouseClick(page.card.refund_button, Qt.MouseButton.LeftButton)
    dialog = opened(page.dialog)
    assert isinstance(dialog, RefundSaleDialog)
    assert "The 6 credits left are taken back" in dialog.what.text()
    assert dialog.amount.text() == "270.00"  # 6 of 10 of 450.00
    dialog.amount.setText("500")
    qtbot.keyClicks(dialog.reason, "moving away")
    dialog.refund_button.click()  # more than was paid: said here, nothing sent
    assert "at most the 450.00 EUR paid" in dialog.error.text() and dialog.isVisible()
    dialog.amount.setText("250,00")
    dialog.refund_button.click()
    await until(lambda: page.card.balance.text() == "0 credits", what="the balance after the refund")
    await until(lambda: cell(page.card.packages, 0, 6) == "Refunded " + cell(page.card.packages, 0, 0)
                + ": 6 credits, 250.00 EUR: moving away", what="the sale marked refunded on the card")
    page.card.packages.selectRow(0)
    assert not page.card.refund_button.isEnabled() and not page.card.void_button.isEnabled()
    [sale] = (await boss.clients.get(anna.id)).packages
    assert (sale.refund_credits, sale.refund_cents, sale.holds) == (6, 25000, 0)
