"""One account cannot hold up the studio's database: its requests take at most two places on the
database thread at once (``--reads-per-user``), so another PC's change waits behind two of them
at most, however many connections the account keeps busy."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.fair_share import FairShare
from swan_desktop.server.limits import Limits
from swan_desktop.server.store import Store
from swan_desktop.server.tables import clients
from tests.server.support import session_data
from tests.support.answered import handled
from tests.support.poll import until
from tests.support.reading import reading_connection_held

from .support import BAD_PC, REAL_PC, Peers

#: A heavy read with a small answer: a one-letter search looks through every client's text.
SEARCH = '{"type": "client.search", "id": "s", "data": {"q": "a", "limit": 20}}'
CONNECTIONS = 20
ASKED_ON_EACH = 10


def _fill(server: EmbeddedServer) -> None:
    """30,000 clients, so each search keeps the database thread busy for a while."""
    def fill(store: Store) -> None:
        rows = [{"name": f"Client {n:05d} Almeida", "search_text": f"client {n:05d} almeida",
                 "created_at": "2026-01-01T00:00:00Z"} for n in range(30_000)]
        with store.transaction():
            store.db.execute(insert(clients), rows)

    server.server.store.submit(fill)


async def _flood(peers: Peers) -> None:
    """vic's connections, all signed in first, then each sent its searches at once (a connection
    answers one request at a time, so every connection keeps one on the database until they
    are all answered)."""
    flood = [await peers.signed_in("vic", source=BAD_PC if n % 2 else REAL_PC, sync=False)
             for n in range(CONNECTIONS)]
    for client in flood:
        for _ in range(ASKED_ON_EACH):
            await client.send_raw(SEARCH)


async def _reads_answered_while_the_office_changed_a_session(server: EmbeddedServer, peers: Peers) -> int:
    _fill(server)
    boss = await peers.signed_in("boss", sync=False)
    session = (await boss.ok("session.create", session_data(allow_overlap=True)))["session"]
    await _flood(peers)
    await until(lambda: handled(server)["client.search"] >= CONNECTIONS,
                what="every flooding connection past its first read")
    before = handled(server)["client.search"]
    await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                     "changes": {"notes": "moved to the rooftop"}})
    during = handled(server)["client.search"] - before
    assert handled(server)["client.search"] < CONNECTIONS * ASKED_ON_EACH  # the flood was still going
    return during


async def test_attack_one_account_keeping_twenty_connections_busy_does_not_hold_up_another_pcs_change(
        server: EmbeddedServer, peers: Peers) -> None:
    """With the limit off (``Limits(reads_per_user=0)``) the office's change went after 20-21 of
    the searches, one per busy connection; with it, after 2-3."""
    during = await _reads_answered_while_the_office_changed_a_session(server, peers)
    assert during <= 4, f"{during} of the flood's reads went before the office's change"


async def test_places_are_per_account_and_given_back() -> None:
    share = FairShare(2)
    async with share.place(7, "schedule.query"), share.place(7, "client.search"):
        assert share.waiting(7) == 2
        async with share.place(8, "schedule.query"):  # another account is not held by 7's
            assert share.waiting(8) == 1
        async with share.place(7, "heartbeat"):  # answered on the loop: never held
            assert share.waiting(7) == 2
    assert share.waiting(7) == 0 and share.waiting(8) == 0


def test_a_negative_number_of_places_is_refused() -> None:
    with pytest.raises(ValueError):
        FairShare(-1)
    with pytest.raises(ValueError):
        Limits(reads_per_user=-1)


async def test_a_report_still_running_does_not_hold_up_another_pcs_change(
        server: EmbeddedServer, peers: Peers) -> None:
    """Reports run on the store's reading connection: while one is still running (a year of a
    big studio takes half a second; here the reading thread is held until the change is done)
    the office's change is answered, and the report then counts it."""
    office = await peers.signed_in("boss", sync=False)
    reporting = await peers.signed_in("boss", sync=False)
    session = (await office.ok("session.create", session_data(allow_overlap=True)))["session"]
    async with reading_connection_held(server):
        await reporting.send_raw(json.dumps({"type": "report.run", "id": "year", "data": {
            "kind": "cancellations", "start": "2031-01-01", "end": "2031-12-31", "by": "month"}}))
        await office.ok("session.update", {"id": session["id"], "version": session["version"],
                                           "changes": {"status": "cancelled", "cancel_reason": "ill"}})
        assert handled(server)["report.run"] == 0, "the report is still waiting"
    report = await reporting.reply_to("year")
    assert report["ok"], report
    assert report["data"]["rows"] == [{"period": "2031-03", "trainer_id": 1, "late": 0, "timely": 1,
                                       "cancelled": 1}]
