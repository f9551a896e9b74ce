"""Search as you type against the real server: one request for a burst of keys, and only the
latest answer shown (an older answer still on the line when the next search is sent is dropped)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from swan_desktop.core.client import StudioClient
from swan_desktop.core.client_records import SearchResult
from swan_desktop.qt.clients.clients_page import SEARCH_LIMIT, ClientsPage
from swan_desktop.qt.clients.results_model import ClientResultsModel
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.answered import handled
from tests.support.desktops import SignIn, desktops
from tests.support.poll import until, until_answered
from tests.support.proxy import ChaosProxy

from .cells import cell


def page_for(qtbot, pc: StudioClient) -> ClientsPage:
    page = ClientsPage(pc.clients, lambda: pc.store.directory, is_admin=True, can_edit=True)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def names(page: ClientsPage) -> list[str]:
    return [page.model.rows[i].client.name for i in range(page.model.rowCount())]


def searches(server: EmbeddedServer) -> int:
    return handled(server)["client.search"]


@pytest.fixture
async def slow_line(empty_server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[tuple[ChaosProxy, SignIn]]:
    """A PC whose line to the server goes through a proxy that can hold the server's answers back."""
    proxy = ChaosProxy("127.0.0.1", empty_server.port)
    port = await proxy.start()
    try:
        async with desktops(f"ws://127.0.0.1:{port}/", tmp_path / "slow") as sign_in:
            yield proxy, sign_in
    finally:
        await proxy.stop()


async def test_typing_a_name_sends_one_search_and_lists_the_matches(qtbot, on_server: SignIn,
                                                                     empty_server: EmbeddedServer) -> None:
    boss = await on_server("boss")
    for name in ("Anna Berg", "Annika Holm", "Bruno Diaz"):
        await boss.clients.create({"name": name, "phone": "+49 30 1234"})
    page = page_for(qtbot, boss)
    before = searches(empty_server)
    qtbot.keyClicks(page.search_edit, "anna")
    await until(lambda: names(page) == ["Anna Berg"], what="the one match listed")
    await until(lambda: searches(empty_server) == before + 1, what="the search counted by the server")
    assert page.search.sent == 1, "a burst of keys is one request"
    assert page.summary.text() == "1 client for “anna”."
    assert page.model.data(page.model.index(0, 2), Qt.ItemDataRole.DisplayRole) == "0 credits"
    assert searches(empty_server) == before + 1, "the server was asked once"
    page.stop()


async def test_a_search_matching_more_than_a_page_shows_the_first_twenty_and_says_so(
        qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    for n in range(SEARCH_LIMIT + 5):
        await boss.clients.create({"name": f"Anna {n:02d}"})
    await boss.clients.create({"name": "Bruno Diaz"})
    page = page_for(qtbot, boss)
    qtbot.keyClicks(page.search_edit, "anna")
    await until(lambda: page.summary.text().startswith("The first"), what="a full page of matches")
    assert names(page) == [f"Anna {n:02d}" for n in range(SEARCH_LIMIT)]
    assert page.summary.text() == (f"The first {SEARCH_LIMIT} clients for “anna”; "
                                   "type more to narrow the list.")
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "anna 2")
    narrower = ["Anna 02", "Anna 12", "Anna 20", "Anna 21", "Anna 22", "Anna 23", "Anna 24"]
    await until(lambda: names(page) == narrower, what="the narrower list")
    assert page.summary.text() == "7 clients for “anna 2”."
    page.stop()


async def test_an_answer_to_an_older_query_never_replaces_the_latest(
        qtbot, on_server: SignIn, empty_server: EmbeddedServer, slow_line: tuple[ChaosProxy, SignIn]) -> None:
    boss = await on_server("boss")
    await boss.clients.create({"name": "Anna Berg"})
    await boss.clients.create({"name": "Bruno Diaz"})
    proxy, sign_in = slow_line
    pc = await sign_in("boss")
    page = page_for(qtbot, pc)
    shown: list[str] = []
    page.search.answered.connect(lambda result: shown.append(result.query))
    before = searches(empty_server)
    proxy.hold()
    qtbot.keyClicks(page.search_edit, "anna")
    page.search.run_now()
    await until(lambda: searches(empty_server) == before + 1,
                what="the first search answered by the server, its answer held on the line")
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "bru")
    page.search.run_now()
    await until(lambda: searches(empty_server) == before + 2, what="the second search answered too")
    assert proxy.bytes_held > 0 and shown == [], "both answers are still on their way"
    proxy.hold(False)
    await until(lambda: names(page) == ["Bruno Diaz"], what="the latest query's answer")
    await until(lambda: not page.search.busy)
    assert names(page) == ["Bruno Diaz"]
    assert shown == ["bru"], "the older answer arrived first and was dropped"
    assert "bru" in page.summary.text()
    page.stop()


async def test_picking_a_result_opens_the_card_and_edits_are_saved(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    anna = await boss.clients.create({"name": "Anna Berg", "email": "anna@example.org", "tags": ["morning"]})
    page = page_for(qtbot, boss)
    page.start()
    await until(lambda: names(page) == ["Anna Berg"])
    page.table.selectRow(0)
    await until(lambda: page.card.client_id == anna.id, what="Anna's card")
    assert page.card.email.text() == "anna@example.org"
    assert page.card.tags.text() == "morning"
    page.card.phone.clear()
    qtbot.keyClicks(page.card.phone, "+49 171 555")
    page.card.reminders.setFocus()
    qtbot.keyClick(page.card.reminders, Qt.Key.Key_Space)
    qtbot.mouseClick(page.card.save_button, Qt.MouseButton.LeftButton)
    reader = await on_server("boss")     # another PC reads what the server keeps

    async def saved() -> bool:
        record = (await reader.clients.get(anna.id)).client
        return record.phone == "+49 171 555" and record.consent.reminders

    await until_answered(saved, what="the phone and the reminders consent saved on the server")
    page.card.email.setText("not-an-email")
    qtbot.mouseClick(page.card.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.error.isVisible())
    assert "email" in page.card.error.text()
    assert (await reader.clients.get(anna.id)).client.email == "anna@example.org", "nothing lost"
    page.stop()


async def test_a_refusal_stays_while_the_card_reloads_behind_the_details_being_typed(
        qtbot, on_server: SignIn, empty_server: EmbeddedServer) -> None:
    """The card reloads when a change to its client arrives (the save just made, or another PC's);
    the refusal of details still being typed must stay in view, and the details too."""
    boss = await on_server("boss")
    other_pc = await on_server("boss")
    anna = await boss.clients.create({"name": "Anna Berg", "email": "anna@example.org"})
    page = page_for(qtbot, boss)
    page.start()
    await until(lambda: names(page) == ["Anna Berg"])
    page.table.selectRow(0)
    await until(lambda: page.card.client_id == anna.id, what="Anna's card")
    page.card.email.setText("not-an-email")
    qtbot.mouseClick(page.card.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.error.isVisible(), what="the server's refusal")
    loads = handled(empty_server)["client.get"]
    await other_pc.clients.update(anna.id, {"phone": "+49 30 1234"})
    await until(lambda: handled(empty_server)["client.get"] > loads, what="the card reloaded")
    await until(lambda: page.card.card is not None and page.card.card.client.phone == "+49 30 1234",
                what="the other PC's change shown")
    assert page.card.error.isVisible() and "email" in page.card.error.text()
    assert page.card.email.text() == "not-an-email", "what is being typed stays"
    page.stop()


async def test_an_archived_client_is_found_only_when_asked_for(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    await boss.clients.create({"name": "Anna Berg"})
    page = page_for(qtbot, boss)
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


async def test_the_results_model_is_a_well_behaved_qt_model(qtmodeltester, on_server: SignIn) -> None:
    boss = await on_server("boss")
    for name in ("Anna Berg", "Bruno Diaz"):
        await boss.clients.create({"name": name, "tags": ["morning"]})
    result: SearchResult = await boss.clients.search("")
    assert len(result.clients) == 2
    model = ClientResultsModel(UTC)
    model.set_rows(list(result.clients))
    qtmodeltester.check(model)


async def test_details_being_typed_survive_another_pcs_change(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    anna = await boss.clients.create({"name": "Anna Berg"})
    page = page_for(qtbot, boss)
    page.start()
    await until(lambda: names(page) == ["Anna Berg"])
    page.table.selectRow(0)
    await until(lambda: page.card.client_id == anna.id)
    qtbot.keyClicks(page.card.phone, "+49 30 999")
    other = await on_server("boss")
    await other.clients.adjust(anna.id, 3, "another PC")
    await until(lambda: page.card.balance.text() == "3 credits", what="the balance follows")
    await until(lambda: cell(page.card.ledger, 0, 5) == "another PC", what="the card reloaded")
    assert page.card.phone.text() == "+49 30 999", "the typing is kept"
    page.stop()
