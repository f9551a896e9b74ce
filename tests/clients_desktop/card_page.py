"""A Clients page on boss's desktop, shown, with one client's card open: typed into the search as
the front desk would, the one match picked."""

from __future__ import annotations

from typing import Any

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.clients.clients_page import ClientsPage
from tests.support.poll import until


async def card_of(qtbot: Any, boss: StudioClient, typed: str, client_id: int) -> ClientsPage:
    """The page (the caller stops it) with the card of ``client_id``, the one client ``typed`` finds."""
    page = ClientsPage(boss.clients, lambda: boss.store.directory, is_admin=True, can_edit=True)
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.search_edit, typed)
    await until(lambda: page.model.rowCount() == 1 and page.model.rows[0].client.id == client_id,
                what=f"{typed!r} found as typed")
    page.table.selectRow(0)
    await until(lambda: page.card.client_id == client_id, what="the client's card")
    return page
