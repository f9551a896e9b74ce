"""Adding a client from the clients page, against the real server: past a trainer account's
daily allowance the server's refusal is said in words and nothing is added."""

from __future__ import annotations

from datetime import timedelta

from swan_desktop.protocol.timefmt import format_ts, now_utc
from swan_desktop.qt.clients.clients_page import ClientsPage
from swan_desktop.server.clients import records
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support.desktops import SignIn
from tests.support.poll import until


def added_lately(store: Store, account_id: int, count: int) -> None:
    """``count`` clients the account added an hour ago (put in the store directly: the
    allowance is what is tested, and adding them through the protocol is tested elsewhere)."""
    at = format_ts(now_utc() - timedelta(hours=1))
    with store.transaction():
        for n in range(count):
            records.insert_client(store, {"name": f"Earlier {n}"}, at, account_id)


async def test_past_the_daily_allowance_a_trainer_is_told_why_and_nothing_is_added(
        qtbot, on_server: SignIn, empty_server: EmbeddedServer) -> None:
    ana = await on_server("ana")
    assert ana.user is not None
    empty_server.server.store.submit(added_lately, ana.user.id, records.ADDED_PER_DAY - 1)
    page = ClientsPage(ana.clients, lambda: ana.store.directory, is_admin=False, can_edit=True)
    qtbot.addWidget(page)
    told: list[tuple[str, bool]] = []
    page.told.connect(lambda text, error: told.append((text, error)))

    ask = page.ask_new_client()
    ask.setTextValue("Rita Lobo")
    ask.accept()
    await until(lambda: len(told) == 1, what="the 100th client added")
    assert told[0] == ("Rita Lobo was added.", False)

    ask = page.ask_new_client()
    ask.setTextValue("Rui Lobo")
    ask.accept()
    await until(lambda: len(told) == 2, what="the refusal said in the status bar")
    text, error = told[1]
    assert error and "added 100 clients in the last 24 hours" in text
    assert "ask an admin to add more, or add again in 23 h" in text
    assert not (await ana.clients.search("rui lobo")).clients, "nothing added"
    page.stop()
