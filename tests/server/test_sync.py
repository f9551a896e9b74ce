"""Sync and resume: fresh start, replay in order before live events, unknown epochs, restarts."""

from __future__ import annotations

from pathlib import Path

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support.server import Clients, session_data, start_server


async def _create(client, hour: int) -> dict:
    start = f"2031-04-01T{hour:02d}:00:00Z"
    end = f"2031-04-01T{hour:02d}:30:00Z"
    return (await client.ok("session.create", session_data(start=start, end=end)))["session"]


async def test_fresh_sync_reports_epoch_and_head_and_then_live_events(
    clients: Clients, server: EmbeddedServer
) -> None:
    watcher = await clients.open()
    auth = await watcher.login("vic")
    data = await watcher.ok("sync", {})
    assert data == {"recovered": False, "epoch": server.epoch, "seq": auth["seq"]}
    writer = await clients.signed_in("ana")
    created = await _create(writer, 8)
    event = await watcher.next_event()
    assert event["kind"] == "session:created"
    assert event["seq"] == data["seq"] + 1
    assert event["data"]["session"] == created


async def test_no_events_reach_a_connection_before_it_syncs(clients: Clients) -> None:
    quiet = await clients.open()
    await quiet.login("vic")
    writer = await clients.signed_in("ana")
    await _create(writer, 8)
    beat = await quiet.ok("heartbeat", {"client_time": "2031-01-01T00:00:00Z"})
    assert "server_time" in beat
    assert quiet.events == []


async def test_sync_since_replays_missed_events_in_order_before_newer_ones(
    clients: Clients, server: EmbeddedServer
) -> None:
    writer = await clients.signed_in("ana")
    mark = (await writer.ok("sync", {}))["seq"]
    for hour in (8, 9, 10):
        await _create(writer, hour)
    late = await clients.open()
    await late.login("vic")
    data = await late.ok("sync", {"since": {"epoch": server.epoch, "seq": mark}})
    assert data["recovered"] is True
    assert data["seq"] == mark + 3
    await _create(writer, 11)
    seqs = [(await late.next_event())["seq"] for _ in range(4)]
    assert seqs == [mark + 1, mark + 2, mark + 3, mark + 4]


async def test_events_committed_during_a_replay_are_neither_lost_nor_repeated(
    clients: Clients, server: EmbeddedServer
) -> None:
    writer = await clients.signed_in("ana")
    for hour in range(6, 12):
        await _create(writer, hour)
    late = await clients.open()
    await late.login("vic")
    await late.send_raw(
        '{"type":"sync","id":"s","data":{"since":{"epoch":"%s","seq":0}}}' % server.epoch  # noqa: UP031
    )
    for hour in range(12, 16):
        await _create(writer, hour)
    reply = await late.reply_to("s")
    assert reply["ok"] is True
    total = reply["data"]["seq"]
    head = total if total >= 10 else 10
    seqs = [(await late.next_event())["seq"] for _ in range(head)]
    assert seqs == list(range(1, head + 1))


async def test_unknown_epoch_is_not_recovered(clients: Clients, server: EmbeddedServer) -> None:
    client = await clients.open()
    await client.login("vic")
    data = await client.ok("sync", {"since": {"epoch": "not-" + server.epoch, "seq": 1}})
    assert data["recovered"] is False
    assert data["epoch"] == server.epoch


async def test_replay_works_after_a_server_restart_on_the_same_database(db_path: Path) -> None:
    first = start_server(db_path)
    try:
        pool = Clients(first)
        writer = await pool.signed_in("ana")
        mark = (await writer.ok("sync", {}))["seq"]
        created = await _create(writer, 8)
        await writer.ok(
            "session.update", {"id": created["id"], "version": 1, "changes": {"notes": "bring water"}}
        )
        epoch = first.epoch
        await pool.close()
    finally:
        first.stop()
    second = start_server(db_path)
    try:
        assert second.epoch == epoch
        pool = Clients(second)
        reader = await pool.open()
        await reader.login("vic")
        data = await reader.ok("sync", {"since": {"epoch": epoch, "seq": mark}})
        assert data["recovered"] is True
        kinds = [(await reader.next_event())["kind"] for _ in range(2)]
        assert kinds == ["session:created", "session:updated"]
        await pool.close()
    finally:
        second.stop()


async def test_heartbeat_reports_server_time_and_uptime(clients: Clients) -> None:
    client = await clients.signed_in("vic", sync=False)
    data = await client.ok("heartbeat", {"client_time": "2031-01-01T00:00:00Z"})
    assert data["server_time"].endswith("Z")
    assert isinstance(data["uptime_s"], float) and data["uptime_s"] >= 0


async def test_a_new_database_has_a_new_epoch_and_an_old_position_is_not_recovered(tmp_path: Path) -> None:
    first = start_server(tmp_path / "old.db")
    try:
        pool = Clients(first)
        writer = await pool.signed_in("ana")
        await _create(writer, 8)
        old = await writer.ok("sync", {})
        await pool.close()
    finally:
        first.stop()
    second = start_server(tmp_path / "new.db")  # the old history is gone with its file
    try:
        assert second.epoch != old["epoch"]
        pool = Clients(second)
        reader = await pool.open()
        await reader.login("vic")
        data = await reader.ok("sync", {"since": {"epoch": old["epoch"], "seq": old["seq"]}})
        assert data == {"recovered": False, "epoch": second.epoch, "seq": 0}
        await pool.close()
    finally:
        second.stop()


async def test_after_pruning_and_a_restart_only_positions_inside_the_kept_history_are_recovered(
    db_path: Path,
) -> None:
    first = start_server(db_path)
    try:
        pool = Clients(first)
        writer = await pool.signed_in("ana")
        mark = (await writer.ok("sync", {}))["seq"]
        for hour in (8, 9, 10, 11):
            await _create(writer, hour)
        epoch = first.epoch
        await pool.close()
        assert first.server.store.submit(Store.prune, keep=2, prune_at=3) == mark + 2
    finally:
        first.stop()
    second = start_server(db_path)
    try:
        assert second.epoch == epoch  # history was trimmed, not lost: same epoch
        pool = Clients(second)
        lost = await pool.open()
        await lost.login("vic")
        data = await lost.ok("sync", {"since": {"epoch": epoch, "seq": mark + 1}})
        assert data == {"recovered": False, "epoch": epoch, "seq": mark + 4}
        kept = await pool.open()
        await kept.login("vic")
        data = await kept.ok("sync", {"since": {"epoch": epoch, "seq": mark + 2}})
        assert data == {"recovered": True, "epoch": epoch, "seq": mark + 4}
        assert [(await kept.next_event())["seq"] for _ in range(2)] == [mark + 3, mark + 4]
        ahead = await pool.open()
        await ahead.login("vic")
        data = await ahead.ok("sync", {"since": {"epoch": epoch, "seq": mark + 99}})
        assert data["recovered"] is False  # a position this server never reached
        await pool.close()
    finally:
        second.stop()
