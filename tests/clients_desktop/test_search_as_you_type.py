"""Search as you type: one request for a burst of keys, and only the latest answer shown."""

from __future__ import annotations

import asyncio
from datetime import UTC

from PySide6.QtCore import Qt

from swan_desktop.qt.clients.clients_page import ClientsPage
from swan_desktop.qt.clients.results_model import ClientResultsModel
from tests.support.poll import until

from .cells import cell
from .fake_clients import Desktop, FakeClients


def page_for(qtbot, desk: Desktop, **options) -> ClientsPage:
    page = ClientsPage(desk.clients, lambda: desk.store.directory, is_admin=options.get("admin", True),
                       can_edit=True)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def names(page: ClientsPage) -> list[str]:
    return [page.model.rows[i].client.name for i in range(page.model.rowCount())]


async def test_typing_a_name_sends_one_search_and_lists_the_matches(qtbot, studio: FakeClients,
                                                                     desk: Desktop) -> None:
    for name in ("Anna Berg", "Annika Holm", "Bruno Diaz"):
        studio.add_client(name, phone="+49 30 1234")
    page = page_for(qtbot, desk)
    qtbot.keyClicks(page.search_edit, "anna")
    await until(lambda: names(page) == ["Anna Berg"], what="the one match listed")
    assert page.search.sent == 1, "a burst of keys is one request"
    searches = [c for c in studio.calls if c[0] == "client.search"]
    assert searches == [("client.search", {"q": "anna", "limit": 20})]
    assert page.model.data(page.model.index(0, 2), Qt.ItemDataRole.DisplayRole) == "0 credits"
    page.stop()


async def test_an_answer_to_an_older_query_never_replaces_the_latest(qtbot, studio: FakeClients,
                                                                      desk: Desktop) -> None:
    studio.add_client("Anna Berg")
    studio.add_client("Bruno Diaz")
    page = page_for(qtbot, desk)
    studio.gate = asyncio.Event()
    qtbot.keyClicks(page.search_edit, "anna")
    page.search.run_now()                       # the first search is on its way, held by the studio
    await until(lambda: len(studio.calls) == 1)
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "bru")
    page.search.run_now()
    await until(lambda: len(studio.calls) == 2)
    studio.gate.set()
    await until(lambda: names(page) == ["Bruno Diaz"], what="the latest query's answer")
    await until(lambda: not page.search.busy)
    assert names(page) == ["Bruno Diaz"]
    assert "bru" in page.summary.text()
    page.stop()


async def test_picking_a_result_opens_the_card_and_edits_are_saved(qtbot, studio: FakeClients,
                                                                    desk: Desktop) -> None:
    anna = studio.add_client("Anna Berg", email="anna@example.org", tags=["morning"])
    page = page_for(qtbot, desk)
    page.start()
    await until(lambda: names(page) == ["Anna Berg"])
    page.table.selectRow(0)
    await until(lambda: page.card.client_id == anna["id"], what="Anna's card")
    assert page.card.email.text() == "anna@example.org"
    assert page.card.tags.text() == "morning"
    page.card.phone.clear()
    qtbot.keyClicks(page.card.phone, "+49 171 555")
    page.card.reminders.setFocus()
    qtbot.keyClick(page.card.reminders, Qt.Key.Key_Space)
    qtbot.mouseClick(page.card.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: studio.clients[anna["id"]]["phone"] == "+49 171 555")
    assert studio.clients[anna["id"]]["consent"]["reminders"] is True
    page.card.email.setText("not-an-email")
    qtbot.mouseClick(page.card.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.error.isVisible())
    assert "email" in page.card.error.text()
    page.stop()


async def test_an_archived_client_is_found_only_when_asked_for(qtbot, studio: FakeClients,
                                                               desk: Desktop) -> None:
    studio.add_client("Anna Berg")
    page = page_for(qtbot, desk)
    page.start()
    await until(lambda: names(page) == ["Anna Berg"])
    page.table.selectRow(0)
    await until(lambda: page.card.client_id is not None)
    qtbot.mouseClick(page.card.archive_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.archive_button.text() == "Restore client", what="archived")
    page.search.run_now()
    await until(lambda: names(page) == [])
    page.archived.setFocus()
    qtbot.keyClick(page.archived, Qt.Key.Key_Space)
    await until(lambda: names(page) == ["Anna Berg"], what="listed with the archived")
    assert page.model.data(page.model.index(0, 0), Qt.ItemDataRole.DisplayRole) == "Anna Berg (archived)"
    page.stop()


async def test_the_results_model_is_a_well_behaved_qt_model(qtmodeltester, studio: FakeClients,
                                                            desk: Desktop) -> None:
    for name in ("Anna Berg", "Bruno Diaz"):
        studio.add_client(name, tags=["morning"])
    result = await desk.clients.search("")
    model = ClientResultsModel(UTC)
    model.set_rows(list(result.clients))
    qtmodeltester.check(model)


async def test_details_being_typed_survive_another_pcs_change(qtbot, studio: FakeClients,
                                                              desk: Desktop) -> None:
    anna = studio.add_client("Anna Berg")
    page = page_for(qtbot, desk)
    page.start()
    await until(lambda: names(page) == ["Anna Berg"])
    page.table.selectRow(0)
    await until(lambda: page.card.client_id == anna["id"])
    qtbot.keyClicks(page.card.phone, "+49 30 999")
    studio._credits_adjust({"client_id": anna["id"], "delta": 3, "reason": "another PC"})
    await until(lambda: page.card.balance.text() == "3 credits", what="the balance follows")
    await until(lambda: cell(page.card.ledger, 0, 5) == "another PC", what="the card reloaded")
    assert page.card.phone.text() == "+49 30 999", "the typing is kept"
    page.stop()
