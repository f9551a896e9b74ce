"""The clients store follows the studio's events; answers are stored before a call returns."""

from __future__ import annotations

from datetime import datetime

import pytest

from swan_desktop.core.groups import group_of
from swan_desktop.core.outcomes import Full, outcome_of
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.qt.clients.pane import ClientsPane
from tests.support.poll import until

from .fake_clients import GROUP, Desktop, FakeClients


async def test_another_pcs_sale_reaches_this_pcs_store_and_directory(studio: FakeClients,
                                                                    desk: Desktop) -> None:
    other = studio.attach()
    anna = await other.clients.create({"name": "Anna Berg", "email": "anna@example.org"})
    assert desk.clients.store.get(anna.id) is not None, "client:created reached the other PC"
    package = await other.clients.create_package({"name": "Ten", "credits": 10, "price_cents": 45000,
                                                  "validity_days": 90})
    assert desk.clients.store.packages[package.id].name == "Ten"
    sale = await other.clients.sell(anna.id, package.id)
    assert sale.credits == 10 and sale.expires_at is not None
    record = desk.clients.store.get(anna.id)
    assert record is not None and record.balance == 10
    assert desk.store.directory.clients[anna.id].credits == 10
    assert [e.reason for e in desk.clients.store.entries[anna.id]] == ["sale"]


async def test_a_full_group_session_is_a_typed_refusal_and_the_waitlist_follows(studio: FakeClients,
                                                                               desk: Desktop) -> None:
    session = studio.add_session(datetime.fromisoformat("2031-03-06T10:00:00+00:00"), GROUP)
    people = [studio.add_client(n)["id"] for n in ("A", "B", "C", "D")]
    for cid in people[:3]:
        booked = await desk.clients.book(session["id"], cid)
    group = group_of(booked)
    assert group is not None and group.full and group.label() == "3/3"
    with pytest.raises(ProtocolError) as refused:
        await desk.clients.book(session["id"], people[3])
    outcome = outcome_of(refused.value)
    assert isinstance(outcome, Full) and (outcome.capacity, outcome.booked) == (3, 3)
    entry = await desk.clients.join_waitlist(session["id"], people[3])
    assert desk.clients.store.waitlist(session["id"]) == (entry,)
    await desk.clients.leave_waitlist(entry)
    assert desk.clients.store.waitlist(session["id"]) == ()


async def test_adjusting_credits_needs_a_reason(studio: FakeClients, desk: Desktop) -> None:
    anna = await desk.clients.create({"name": "Anna Berg"})
    with pytest.raises(ProtocolError) as refused:
        await desk.clients.adjust(anna.id, 2, "")
    assert getattr(outcome_of(refused.value), "field", None) == "reason"
    entry = await desk.clients.adjust(anna.id, -1, "charged for a missed session")
    assert entry.balance_after == -1
    entries, more = await desk.clients.ledger(anna.id)
    assert [e.note for e in entries] == ["charged for a missed session"] and not more


async def test_after_a_resync_the_pane_fetches_what_it_shows_again(qtbot, studio: FakeClients,
                                                                  desk: Desktop) -> None:
    anna = studio.add_client("Anna Berg")
    pane = ClientsPane(desk.clients, lambda: desk.store.directory, is_admin=True, can_edit=True)
    qtbot.addWidget(pane)
    pane.load()
    await until(lambda: pane.page.model.rowCount() == 1)
    pane.page.open_client(anna["id"])
    await until(lambda: pane.page.card.client_id == anna["id"])
    studio.calls.clear()
    desk.clients.store.resynced()
    await until(lambda: {c[0] for c in studio.calls} == {"package.list", "client.search", "client.get"},
                what="packages, the list and the card fetched again")
    pane.stop()
