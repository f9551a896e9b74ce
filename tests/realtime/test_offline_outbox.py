"""Nothing a user does is lost: changes made while the server is away are kept
on disk, shown as pending, and applied exactly once when it is back — also
after the app was closed in between."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swan_desktop.net.link import LinkState
from swan_desktop.server.store import Store
from tests.support.poll import until

BASE = datetime(2032, 5, 3, 9, 0, tzinfo=UTC)


def fields(i: int, **extra: object) -> dict:
    start = BASE + timedelta(days=i)
    return {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "trainer_id": 1, "session_type_id": 1, **extra}


def server_sessions(studio, notes_prefix: str) -> list:
    store = Store(studio.db)
    try:
        return [s for s in store.sessions_overlapping(BASE - timedelta(days=1), BASE + timedelta(days=400))
                if s.notes.startswith(notes_prefix)]
    finally:
        store.close()


async def test_offline_edit_is_pending_then_applied_once_after_reconnect(studio, connect) -> None:
    ana = await connect(studio.url, "ana")
    session = await ana.create_session(fields(0, notes="before"))
    await studio.astop()
    await until(lambda: ana.link.state is not LinkState.LIVE)

    shown = await ana.update_session(session.id, session.version, {"notes": "offline: knee rehab"})
    assert shown.notes == "offline: knee rehab"  # the calendar shows the change at once…
    assert session.id in ana.store.pending      # …marked pending
    assert ana.link.outbox.depth == 1           # and it is on disk

    await studio.astart()
    await until(lambda: not ana.store.pending)
    assert ana.link.outbox.depth == 0
    (stored,) = server_sessions(studio, "offline:")
    assert stored.version == 2  # applied exactly once
    assert ana.store.get(session.id) == stored


async def test_offline_create_shows_a_pending_session_that_becomes_real(studio, connect) -> None:
    ana = await connect(studio.url, "ana")
    await studio.astop()
    await until(lambda: ana.link.state is not LinkState.LIVE)
    temp = await ana.create_session(fields(1, notes="offline-new"))
    assert temp.id < 0 and temp.id in ana.store.pending
    await studio.astart()
    await until(lambda: not ana.store.pending)
    (stored,) = server_sessions(studio, "offline-new")
    assert ana.store.get(temp.id) is None
    assert ana.store.get(stored.id) == stored


async def test_edits_made_offline_reach_the_server_once_after_the_app_restarts(studio, connect) -> None:
    ana = await connect(studio.url, "ana", pc="front-desk")
    kept = await ana.create_session(fields(2, notes="kept"))
    await studio.astop()
    await until(lambda: ana.link.state is not LinkState.LIVE)
    await ana.create_session(fields(3, notes="restart-new"))
    await ana.update_session(kept.id, kept.version, {"notes": "restart-changed"})
    await ana.close()  # the app quits with two changes unsent

    await studio.astart()
    again = await connect(studio.url, "ana", pc="front-desk")  # same PC, same outbox file
    await until(lambda: again.link.outbox.depth == 0)
    assert sorted(s.notes for s in server_sessions(studio, "restart-")) == ["restart-changed",
                                                                             "restart-new"]
    changed = [s for s in server_sessions(studio, "restart-changed")]
    assert changed[0].version == 2


async def test_a_change_refused_on_replay_is_brought_to_the_user(studio, proxy, connect) -> None:
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana", pc="a")  # Ana's network is flaky
    boss = await connect(studio.url, "boss", pc="b")
    session = await ana.create_session(fields(4, notes="original"))
    failed: list = []
    ana.on_failed = failed.append

    proxy.refuse(True)
    proxy.cut()
    await until(lambda: ana.link.state is not LinkState.LIVE)
    await ana.update_session(session.id, session.version, {"notes": "ana offline"})
    await boss.update_session(session.id, session.version, {"notes": "boss meanwhile"})
    proxy.refuse(False)

    await until(lambda: bool(failed))
    (change,) = failed
    assert change.code == "conflict" and change.session_id == session.id
    assert [c.request_id for c in ana.failed_changes()] == [change.request_id]
    assert ana.store.failed[session.id].startswith("Change not saved")
    assert ana.store.get(session.id).notes == "boss meanwhile"  # the truth is shown again
    assert server_sessions(studio, "boss meanwhile")[0].version == 2  # nothing overwritten

    ana.retry_failed(change.request_id)  # "apply mine on top of the current version"
    await until(lambda: not ana.store.pending and ana.link.outbox.depth == 0)
    assert ana.failed_changes() == [] and session.id not in ana.store.failed
    stored = server_sessions(studio, "ana offline")[0]
    assert stored.version == 3


async def test_discarding_a_refused_change_keeps_the_servers_version(studio, proxy, connect) -> None:
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana", pc="a")
    boss = await connect(studio.url, "boss", pc="b")
    session = await ana.create_session(fields(5, notes="original"))
    failed: list = []
    ana.on_failed = failed.append
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: ana.link.state is not LinkState.LIVE)
    await ana.delete_session(session.id, session.version)
    assert ana.store.get(session.id) is None and session.id in ana.store.pending
    await boss.update_session(session.id, session.version, {"notes": "boss keeps it"})
    proxy.refuse(False)
    await until(lambda: bool(failed))
    assert ana.store.get(session.id) is not None  # the deletion was refused: it is back
    ana.discard_failed(failed[0].request_id)
    assert ana.failed_changes() == [] and ana.link.outbox.depth == 0
    assert server_sessions(studio, "boss keeps it")[0].version == 2
