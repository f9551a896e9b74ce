"""The clients store follows the server's events (another PC's changes reach it); the answers to
this PC's own requests are stored before the call returns. Against the real server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.core.groups import group_of
from swan_desktop.core.outcomes import Full, outcome_of
from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.qt.clients.pane import ClientsPane
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.answered import asked_since, handled
from tests.support.desktops import SignIn
from tests.support.poll import until


async def group_session(boss: StudioClient, capacity: int) -> Session:
    """A small-group session of ``capacity`` places, a month from now, with its trainer on duty."""
    hours = [(d, "06:00", "22:00") for d in range(7)]
    await boss.admin.set_studio(timezone="UTC", opening_hours=hours, setup_complete=True)
    trainer = await boss.admin.create_trainer("Ana Kowalski")
    await boss.admin.set_hours(trainer.id, hours)
    reply = await boss.link.request("session_type.create", {"name": "Small group", "duration_min": 60,
                                                            "credits": 1, "capacity": capacity})
    day = datetime.now(UTC).date() + timedelta(days=30)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return await boss.create_session({"start": format_ts(start), "end": format_ts(start + timedelta(hours=1)),
                                      "trainer_id": trainer.id, "status": "scheduled",
                                      "session_type_id": int(reply["session_type"]["id"])})


async def test_another_pcs_sale_reaches_this_pcs_store_and_directory(on_server: SignIn) -> None:
    desk = await on_server("boss")
    other = await on_server("boss")
    anna = await other.clients.create({"name": "Anna Berg", "email": "anna@example.org"})
    await until(lambda: desk.clients.store.get(anna.id) is not None, what="client:created reached this PC")
    package = await other.clients.create_package({"name": "Ten", "credits": 10, "price_cents": 45000,
                                                  "validity_days": 90})
    await until(lambda: package.id in desk.clients.store.packages, what="package:created reached this PC")
    assert desk.clients.store.packages[package.id].name == "Ten"
    sale = await other.clients.sell(anna.id, package.id)
    assert sale.credits == 10 and sale.expires_at is not None
    await until(lambda: (r := desk.clients.store.get(anna.id)) is not None and r.balance == 10,
                what="the sale's credits on this PC")
    assert desk.store.directory.clients[anna.id].credits == 10
    assert [e.reason for e in desk.clients.store.entries[anna.id]] == ["sale"]


async def test_a_balance_change_reaches_the_directory_of_a_pc_that_never_opened_the_client(
        on_server: SignIn) -> None:
    other = await on_server("boss")
    anna = await other.clients.create({"name": "Anna Berg"})
    desk = await on_server("boss")  # signed in since: Anna is in its directory, her record never fetched
    assert desk.store.directory.clients[anna.id].credits == 0 and desk.clients.store.get(anna.id) is None
    await other.clients.adjust(anna.id, 5, "opening balance")
    await until(lambda: desk.store.directory.clients[anna.id].credits == 5,
                what="the new balance in this PC's directory (the session editor and cancel dialog show it)")
    await desk.clients.adjust(anna.id, -2, "charged for a missed session")  # this PC's own answer too
    assert desk.store.directory.clients[anna.id].credits == 3


async def test_a_full_group_session_is_a_typed_refusal_and_the_waitlist_follows(on_server: SignIn) -> None:
    desk = await on_server("boss")
    session = await group_session(desk, capacity=3)
    people = [(await desk.clients.create({"name": n})).id for n in ("A", "B", "C", "D")]
    for cid in people[:3]:
        booked = await desk.clients.book(session.id, cid)
    group = group_of(booked)
    assert group is not None and group.full and group.label() == "3/3"
    with pytest.raises(ProtocolError) as refused:
        await desk.clients.book(session.id, people[3])
    outcome = outcome_of(refused.value)
    assert isinstance(outcome, Full) and (outcome.capacity, outcome.booked) == (3, 3)
    entry = await desk.clients.join_waitlist(session.id, people[3])
    assert desk.clients.store.waitlist(session.id) == (entry,)
    await desk.clients.leave_waitlist(entry)
    assert desk.clients.store.waitlist(session.id) == ()
    reply = await desk.link.request("waitlist.get", {"session_id": session.id})
    assert reply["waitlist"] == [], "off the waitlist on the server too"


async def test_adjusting_credits_needs_a_reason(on_server: SignIn) -> None:
    desk = await on_server("boss")
    anna = await desk.clients.create({"name": "Anna Berg"})
    with pytest.raises(ProtocolError) as refused:
        await desk.clients.adjust(anna.id, 2, "")
    assert getattr(outcome_of(refused.value), "field", None) == "reason"
    entry = await desk.clients.adjust(anna.id, -1, "charged for a missed session")
    assert entry.balance_after == -1
    entries, more = await desk.clients.ledger(anna.id)
    assert [e.note for e in entries] == ["charged for a missed session"] and not more


async def test_after_a_resync_the_pane_fetches_what_it_shows_again(qtbot, on_server: SignIn,
                                                                  empty_server: EmbeddedServer) -> None:
    desk = await on_server("boss")
    anna = await desk.clients.create({"name": "Anna Berg"})
    pane = ClientsPane(desk.clients, lambda: desk.store.directory, is_admin=True, can_edit=True)
    qtbot.addWidget(pane)
    loaded = handled(empty_server)
    pane.load()
    await until(lambda: pane.page.model.rowCount() == 1)
    pane.page.open_client(anna.id)
    await until(lambda: pane.page.card.client_id == anna.id)
    await until(lambda: asked_since(empty_server, loaded) == {"package.list", "client.search", "client.get"},
                what="the first load counted by the server")
    before = handled(empty_server)
    desk.clients.store.resynced()
    await until(lambda: asked_since(empty_server, before) == {"package.list", "client.search", "client.get"},
                what="packages, the list and the card fetched again")
    pane.stop()
