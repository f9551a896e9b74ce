"""A real studio from nothing: ``swan-server serve`` on a new database (no demo), ``swan-server init``,
then everything over the protocol; and a backup restored after the database was lost."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from swan_desktop.server.backup.files import lock_path
from tests.server.support import WsClient

from .realserver import cli, serving

BOSS_PASSWORD = "correct horse battery"
RANGE = {"start": "2031-03-01T00:00:00Z", "end": "2031-03-10T00:00:00Z"}


async def _events_until(client: WsClient, kind: str) -> dict[str, Any]:
    while True:
        event = await client.next_event()
        if event["kind"] == kind:
            return event


async def test_a_new_studio_is_set_up_and_booked_over_the_protocol(tmp_path: Path) -> None:
    db = tmp_path / "studio.sqlite3"
    async with serving(db) as server:
        refused = cli("init", "--db", str(db), "--admin", "boss", stdin="short\n")
        assert refused.returncode == 2 and "12 characters" in refused.stderr
        done = cli("init", "--db", str(db), "--admin", "boss", stdin=BOSS_PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        again = cli("init", "--db", str(db), "--admin", "other", stdin=BOSS_PASSWORD + "\n")
        assert again.returncode == 1 and "already has an admin" in again.stderr
        boss = await server.signed_in("boss", BOSS_PASSWORD)
        assert (await boss.ok("studio.setup.get"))["needed"] is True
        assert (await boss.ok("directory.query"))["trainers"] == []
        await boss.ok("studio.setup.set", {"name": "Swan Studios", "timezone": "UTC"})
        trainer = (await boss.ok("trainer.create", {"name": "Ana Costa"}))["trainer"]
        room = (await boss.ok("room.create", {"name": "Studio A", "capacity": 2}))["location"]
        stype = (await boss.ok("session_type.create", {"name": "Personal training"}))["session_type"]
        made = await boss.ok("account.create", {"username": "ana", "name": "Ana Costa", "role": "trainer",
                                                 "trainer_id": trainer["id"]})
        viewer_made = await boss.ok("account.create", {"username": "desk", "name": "Front desk",
                                                        "role": "viewer"})
        ana = await server.signed_in("ana", made["password"])
        desk = await server.signed_in("desk", viewer_made["password"])
        linked = (await ana.ok("directory.query"))["trainers"]
        assert linked[0]["user_id"] == made["account"]["id"]
        booked = (await ana.ok("session.create", {
            "start": "2031-03-03T10:00:00Z", "end": "2031-03-03T11:00:00Z", "trainer_id": trainer["id"],
            "client_name": "Rui", "location": room["name"], "session_type_id": stype["id"],
            "status": "scheduled"}))["session"]
        for client in (boss, ana, desk):
            event = await _events_until(client, "session:created")
            assert event["data"]["session"] == booked
        assert (await desk.error("trainer.create", {"name": "Eve"}))["code"] == "forbidden"


async def test_backup_then_restore_after_the_database_is_lost_keeps_everything(tmp_path: Path) -> None:
    db, copy = tmp_path / "studio.sqlite3", tmp_path / "copy.sqlite3"
    assert cli("init", "--db", str(db), "--admin", "boss", stdin=BOSS_PASSWORD + "\n").returncode == 0
    async with serving(db) as server:
        boss = await server.signed_in("boss", BOSS_PASSWORD)
        trainer = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
        await boss.ok("account.create", {"username": "ana", "name": "Ana", "role": "trainer"})
        sessions = [(await boss.ok("session.create", {
            "start": f"2031-03-0{day}T10:00:00Z", "end": f"2031-03-0{day}T11:00:00Z",
            "trainer_id": trainer["id"], "client_name": "Rui", "status": "scheduled"}))["session"]
            for day in (3, 4, 5)]
        await boss.ok("notification.announce", {"title": "Closed Monday", "message": "Holiday"})
        await asyncio.sleep(0.2)  # the announcement is stored after its reply
        made = cli("backup", "--db", str(db), "--to", str(copy))  # while serving
        assert made.returncode == 0, made.stderr
        refused = cli("restore", "--db", str(db), "--from", str(copy))
        assert refused.returncode == 1 and "stop it" in refused.stderr
    for lost in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        lost.unlink(missing_ok=True)
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not a database at all" * 100)
    assert cli("restore", "--db", str(db), "--from", str(damaged)).returncode == 1
    restored = cli("restore", "--db", str(db), "--from", str(copy))
    assert restored.returncode == 0, restored.stderr
    async with serving(db) as server:
        boss = await server.signed_in("boss", BOSS_PASSWORD)
        assert (await boss.ok("schedule.query", RANGE))["sessions"] == sessions
        accounts = {a["username"] for a in (await boss.ok("account.list"))["accounts"]}
        assert accounts == {"boss", "ana"}
        titles = {n["title"] for n in (await boss.ok("notification.query", {}))["notifications"]}
        assert "Closed Monday" in titles
    assert lock_path(db).exists()


async def test_serve_with_a_backup_dir_backs_up_at_start_and_reports_it(tmp_path: Path) -> None:
    db, backups = tmp_path / "studio.sqlite3", tmp_path / "backups"
    assert cli("init", "--db", str(db), "--admin", "boss", stdin=BOSS_PASSWORD + "\n").returncode == 0
    async with serving(db, "--backup-dir", str(backups), "--tls", "off") as server:  # /health over plain HTTP
        health: dict[str, Any] = {}
        states: dict[str, Any] = {}
        for _ in range(100):  # the first backup is made as the server starts
            health = await _health(server.url)
            states = {s["name"]: s for s in health["services"]}
            if states.get("backups", {}).get("status") == "healthy":
                break
            await asyncio.sleep(0.1)
        assert states["backups"]["status"] == "healthy", health
        assert "last backup" in states["backups"]["reason"] and " MB " in states["backups"]["reason"]
        assert len(list(backups.glob("swan-*.sqlite3"))) == 1


async def _health(url: str) -> dict[str, Any]:
    """``GET /health`` over a plain socket (200, or 503 while a service is not healthy yet)."""
    host, port = url.removeprefix("ws://").rstrip("/").rsplit(":", 1)
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 5)
    try:
        writer.write(f"GET /health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()
        await writer.wait_closed()
    return dict(json.loads(raw.partition(b"\r\n\r\n")[2]))
