"""Limits meet the desktop politely: a backlog that runs into the server's rate
limit waits and then lands in full; a full disk refuses a change in words and
keeps what was already queued."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.net.link import LinkState
from swan_desktop.net.metrics import ConnectionMetrics
from swan_desktop.protocol.errors import ErrorCode, ProtocolError
from swan_desktop.qt.connection_status import ConnectionStatus
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from swan_desktop.server.store import Store
from tests.support.poll import until
from tests.support.proxy import ChaosProxy
from tests.support.server import FAST_HASHER, add_users

T0 = datetime(2036, 2, 2, 6, tzinfo=UTC)


def fields(i: int) -> dict:
    start = T0 + timedelta(hours=i)
    return {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (start + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "trainer_id": 1, "notes": f"burst-{i:03d}"}


@pytest.fixture
def limited(tmp_path: Path):
    # A limit the desk's resend surely outruns, even with each commit flushed to disk (synchronous=FULL)
    # on a busy machine: 5 requests a second after a burst of 20 (room for the sign-in itself).
    server = EmbeddedServer(tmp_path / "limited.sqlite3", hasher=FAST_HASHER,
                            limits=Limits(rate=5, burst=20))
    server.start()
    add_users(server)
    yield server
    server.stop()


def notes_on_server(db: Path, prefix: str) -> list[str]:
    store = Store(db)
    try:
        return sorted(s.notes for s in store.sessions_overlapping(T0, T0 + timedelta(days=3))
                      if s.notes.startswith(prefix))
    finally:
        store.close()


async def offline(client: StudioClient, proxy: ChaosProxy) -> None:
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: client.link.state is not LinkState.LIVE)


async def test_a_backlog_meeting_the_rate_limit_waits_and_lands_in_full(limited, connect) -> None:
    proxy = ChaosProxy("127.0.0.1", limited.port)
    await proxy.start()
    try:
        ana: StudioClient = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana")
        await offline(ana, proxy)
        for i in range(30):
            await ana.create_session(fields(i))
        assert ana.link.outbox.depth == 30
        proxy.refuse(False)
        await until(lambda: ana.link.outbox.depth == 0, timeout=40)
        assert ana.failed_changes() == []
        assert notes_on_server(limited.db_path, "burst-") == [f"burst-{i:03d}" for i in range(30)]
        assert ana.link.metrics.snapshot().errors_in_window > 0  # it really was held back
    finally:
        await proxy.stop()


async def test_a_full_disk_refuses_the_change_in_words_and_keeps_the_queue(studio, proxy,
                                                                           connect) -> None:
    ana: StudioClient = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana")
    await offline(ana, proxy)
    kept = [await ana.create_session(fields(i)) for i in range(3)]
    db = ana.link.outbox._db  # the test reaches in to make the disk "full"
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count={pages}")
    with pytest.raises(ProtocolError) as refused:
        for i in range(3, 60):
            await ana.create_session({**fields(i), "notes": f"big-{i}-" + "x" * 1900})
    assert refused.value.code is ErrorCode.INTERNAL
    assert "could not be kept on this computer" in refused.value.message
    assert "disk is full" in refused.value.message
    db.execute("PRAGMA max_page_count=1073741823")  # space again
    proxy.refuse(False)
    await until(lambda: ana.link.live and ana.link.outbox.depth == 0)
    assert all(s.id < 0 for s in kept)
    assert notes_on_server(studio.db, "burst-") == ["burst-000", "burst-001", "burst-002"]


async def test_a_change_the_server_keeps_failing_on_is_set_aside_and_the_rest_goes_on(
        studio, proxy, connect) -> None:
    """A damaged database fails one change with an internal error every time (here a trigger the
    test adds to the file; the database is not away). It is tried a few times, with waits that
    double, then set aside as failed for the person to retry or discard; the change queued after
    it reaches the server. (It used to be resent every second for ever, and nothing after it went.)"""
    ana: StudioClient = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana")
    first = await ana.create_session(fields(0))
    assert first.id > 0
    with sqlite3.connect(studio.db) as db:
        db.execute("CREATE TRIGGER damaged BEFORE UPDATE ON sessions WHEN NEW.notes = 'breaks the server' "
                   "BEGIN SELECT RAISE(ABORT, 'a damaged row'); END")
    db.close()
    await offline(ana, proxy)
    await ana.update_session(first.id, first.version, {"notes": "breaks the server"})
    await ana.create_session(fields(1))
    assert ana.link.outbox.depth == 2
    proxy.refuse(False)
    await until(lambda: ana.link.outbox.pending(limit=10) == [], what="the queue gone through")
    [failed] = ana.failed_changes()
    assert (failed.kind, failed.session_id, failed.code) == ("session.update", first.id, "internal")
    assert notes_on_server(studio.db, "burst-") == ["burst-000", "burst-001"]


def test_a_very_deep_outbox_is_said_plainly(qtbot) -> None:
    status = ConnectionStatus()
    qtbot.addWidget(status)
    status.set_health(ConnectionMetrics().snapshot(), 10_000, True)
    assert status.pending_label.text().startswith("10,000 changes waiting to be sent")
    assert "check the network" in status.pending_label.text()
