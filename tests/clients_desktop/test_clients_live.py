"""The clients feature against the real server: a package sold from the card and
sessions booked against it (credits are spent at completion); cancelling a completed
session before the window refunds and a late one does not; a
full group session's waitlist and the freed place; a report whose CSV totals are
the server's; a CSV import the server refuses whole, then takes with duplicates skipped.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from swan_desktop.core.groups import group_of
from swan_desktop.core.outcomes import Full, outcome_of
from swan_desktop.core.report_csv import figure_text, title_of
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.qt.clients.group_panel import GroupPanel
from swan_desktop.qt.clients.pane import ClientsPane
from swan_desktop.qt.clients.reports_page import ReportsPage
from swan_desktop.qt.clients.sell_dialog import SellPackageDialog
from tests.admin_desktop.opened import opened
from tests.support.desktops import SignIn
from tests.support.poll import until

from .card_page import card_of
from .live_studio import at_ten, session_fields, set_up

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")

async def test_a_package_sold_from_the_card_and_sessions_booked_and_cancelled(qtbot, on_server: SignIn
                                                                             ) -> None:
    boss = await on_server("boss")
    ids = await set_up(boss)
    anna = await boss.clients.create({"name": "Anna Berg", "email": "anna@example.org"})
    await boss.clients.create({"name": "Bruno Diaz"})
    await boss.clients.create_package({"name": "Ten sessions", "credits": 10, "price_cents": 45000,
                                       "validity_days": 90})
    await boss.clients.load_packages()
    page = await card_of(qtbot, boss, "anna", anna.id)

    qtbot.mouseClick(page.card.sell_button, Qt.MouseButton.LeftButton)
    dialog = opened(page.dialog)
    assert isinstance(dialog, SellPackageDialog)
    assert dialog.price.text() == "450.00"
    qtbot.mouseClick(dialog.sell_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.balance.text() == "10 credits", what="the sale's credits")

    late = await boss.create_session(session_fields(ids, at_ten(10), "pt", anna.id))
    timely = await boss.create_session(session_fields(ids, at_ten(45), "pt", anna.id))
    card = await boss.clients.get(anna.id)
    assert {s.id for s in card.upcoming} >= {late.id, timely.id}
    assert card.client.balance == 10, "credits are spent at completion, not at booking"
    for session in (late, timely):   # completed (an admin's correction), then cancelled
        done = await boss.update_session(session.id, session.version, {"status": "completed"})
        await boss.update_session(done.id, done.version, {"status": "cancelled", "cancel_reason": "ill"})
    card = await boss.clients.get(anna.id)
    refunds = {e.session_id for e in card.ledger if e.reason == "refund"}
    assert timely.id in refunds, "a cancellation before the window refunds"
    assert late.id not in refunds, "a late cancellation does not"
    assert card.client.balance == 9
    assert card.client.balance == sum(e.delta for e in card.ledger), "the balance is the ledger's sum"
    await until(lambda: page.card.balance.text() == f"{card.client.balance} credits",
                what="the card follows the server's events")
    page.stop()


async def test_a_full_group_session_takes_a_waitlist_and_the_first_gets_the_freed_place(
        qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    ids = await set_up(boss)
    package = await boss.clients.create_package({"name": "Five", "credits": 5, "price_cents": 25000,
                                                 "validity_days": 120})
    people = [await boss.clients.create({"name": n}) for n in ("Anna Berg", "Bruno Diaz", "Clara Holm")]
    for person in people:
        await boss.clients.sell(person.id, package.id)
    session = await boss.create_session(session_fields(ids, at_ten(45), "group"))
    await boss.clients.book(session.id, people[0].id)
    booked = await boss.clients.book(session.id, people[1].id)
    group = group_of(booked)
    assert group is not None and group.label() == "2/2"
    with pytest.raises(ProtocolError) as refused:
        await boss.clients.book(session.id, people[2].id)
    assert isinstance(outcome_of(refused.value), Full)

    panel = GroupPanel(boss.clients, boss.store, lambda: boss.collab.settings)
    qtbot.addWidget(panel)
    panel.show_session(session.id)
    assert panel.add_button.text() == "Join waitlist"
    panel.picker.setCurrentIndex(panel.picker.findData(people[2].id))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    await until(lambda: panel.waitlist.count() == 1, what="Clara on the waitlist")
    await boss.clients.unbook(session.id, people[0].id)
    await until(lambda: panel.offer.isVisible(), what="the freed place offered to Clara")
    qtbot.mouseClick(panel.offer_button, Qt.MouseButton.LeftButton)
    await until(lambda: (g := panel.group) is not None and g.has(people[2].id), what="Clara booked")
    await until(lambda: panel.waitlist.count() == 0)
    panel.stop()


async def test_a_revenue_report_exported_to_csv_has_the_servers_totals(qtbot, on_server: SignIn,
                                                                      tmp_path: Path) -> None:
    boss = await on_server("boss")
    await set_up(boss)
    ten = await boss.clients.create_package({"name": "Ten", "credits": 10, "price_cents": 45000,
                                             "validity_days": 90})
    anna = await boss.clients.create({"name": "Anna Berg"})
    bruno = await boss.clients.create({"name": "Bruno Diaz"})
    await boss.clients.sell(anna.id, ten.id)
    await boss.clients.sell(bruno.id, ten.id, 40000)
    today = datetime.now(UTC).date()
    page = ReportsPage(boss.clients, lambda: boss.store.directory, today=today)
    qtbot.addWidget(page)
    page.set_range(today - timedelta(days=31), today + timedelta(days=1), "month", "revenue")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.report is not None, what="the report")
    report = page.report
    assert report is not None
    server = await boss.clients.report("revenue", (today - timedelta(days=31)).isoformat(),
                                       (today + timedelta(days=1)).isoformat(), "month")
    assert 85000 in server.totals.values(), "the revenue is what was paid"
    target = page.export(tmp_path / "revenue.csv")
    assert target is not None
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = rows[-1]
    assert total[next(iter(total))] == "Total"
    for figure in server.figures():
        assert total[title_of(figure)] == figure_text(figure, server.totals[figure])
    assert {"850.00", "85000"} & set(total.values()), "the revenue paid, in the CSV's total row"
    assert all(len(r["Period"]) == len("2031-03") for r in rows[:-1]), "by month"


async def test_a_csv_import_is_all_or_nothing_on_the_server(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    await boss.clients.create({"name": "Bruno Old", "email": "bruno@example.org"})
    other = await on_server("boss")     # a second PC: it has never seen Bruno's record
    pane = ClientsPane(other.clients, lambda: other.store.directory, is_admin=True, can_edit=True)
    qtbot.addWidget(pane)
    text = "Name,Email\nAnna Berg,anna@example.org\nBruno Diaz,bruno@example.org\n"
    dialog = pane.preview_import(text, "clients.csv")
    assert dialog.import_button.isEnabled(), "nothing wrong that this PC can see"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.error.isVisible(), what="the server's refusal")
    assert "Nothing was imported" in dialog.error.text()
    found = await boss.clients.search("anna")
    assert not found.clients, "all or nothing"

    dialog.skip.setFocus()
    qtbot.keyClick(dialog.skip, Qt.Key.Key_Space)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    await until(lambda: pane.import_dialog is None, what="the import done")
    found = await boss.clients.search("anna")
    assert [f.client.name for f in found.clients] == ["Anna Berg"]


async def test_each_client_of_a_group_is_checked_in_or_marked_a_no_show_from_the_roster(
        qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    ids = await set_up(boss)
    package = await boss.clients.create_package({"name": "Five", "credits": 5, "price_cents": 25000})
    anna, bruno = [await boss.clients.create({"name": n}) for n in ("Anna Berg", "Bruno Diaz")]
    for person in (anna, bruno):
        await boss.clients.sell(person.id, package.id)
    session = await boss.create_session(session_fields(ids, at_ten(1), "group"))
    await boss.clients.book(session.id, anna.id)
    await boss.clients.book(session.id, bruno.id)
    panel = GroupPanel(boss.clients, boss.store, lambda: boss.collab.settings)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_session(session.id)
    assert set(panel.rows) == {anna.id, bruno.id}, "a row with its buttons for each booked client"
    told: list[tuple[str, bool]] = []
    panel.told.connect(lambda text, error: told.append((text, error)))

    qtbot.mouseClick(panel.rows[bruno.id].buttons["no_show"], Qt.MouseButton.LeftButton)
    await until(lambda: "Bruno Diaz — no-show" in _members(panel), what="Bruno marked a no-show")
    qtbot.mouseClick(panel.rows[anna.id].buttons["present"], Qt.MouseButton.LeftButton)
    await until(lambda: "Anna Berg — attended" in _members(panel), what="Anna checked in")
    await until(lambda: len(told) == 2, what="both said in the status bar")
    assert panel.rows[anna.id].buttons["present"].isChecked()
    assert panel.rows[bruno.id].buttons["no_show"].isChecked()
    assert told == [("Bruno Diaz is marked a no-show.", False), ("Anna Berg is checked in.", False)]
    stored = boss.store.get(session.id)
    assert stored is not None and stored.attendance == "present", "Anna is the session's own client"
    card = await boss.clients.get(bruno.id)
    assert (card.stats.attended, card.stats.no_shows) == (0, 1), "Bruno's own history"
    card = await boss.clients.get(anna.id)
    assert (card.stats.attended, card.stats.no_shows) == (1, 0), "Anna's own history"
    panel.stop()


async def test_the_waitlist_is_read_when_the_session_is_shown_and_someone_is_taken_off_it(
        qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    ids = await set_up(boss)
    people = [await boss.clients.create({"name": n}) for n in ("Anna Berg", "Bruno Diaz", "Clara Holm",
                                                               "Dora Lind")]
    session = await boss.create_session(session_fields(ids, at_ten(45), "group"))
    for person in people[:2]:
        await boss.clients.book(session.id, person.id)
    for person in people[2:]:
        await boss.link.request("waitlist.join", {"session_id": session.id, "client_id": person.id})
    other = await on_server("boss")     # a PC that opens the session after the waitlist formed
    await other.load_range(session.start, session.end)
    other.clients.store.waitlists.clear()   # as a PC started after those events has it
    panel = GroupPanel(other.clients, other.store, lambda: other.collab.settings)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_session(session.id)
    await until(lambda: panel.waitlist.count() == 2, what="the waitlist read from the server")
    lines = [panel.waitlist.item(i).text() for i in range(2)]
    assert lines[0].startswith("1. Clara Holm — since ") and lines[1].startswith("2. Dora Lind — since ")
    panel.waitlist.setCurrentRow(0)
    qtbot.mouseClick(panel.leave_button, Qt.MouseButton.LeftButton)
    await until(lambda: panel.waitlist.count() == 1, what="Clara off the waitlist")
    assert panel.waitlist.item(0).text().startswith("1. Dora Lind")
    reply = await boss.link.request("waitlist.get", {"session_id": session.id})
    assert [e["client_id"] for e in reply["waitlist"]] == [people[3].id]
    panel.stop()


def _members(panel: GroupPanel) -> list[str]:
    return [panel.members.item(i).text() for i in range(panel.members.count())]
