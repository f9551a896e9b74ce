"""A restored database starts over: desktops that saw the lost changes load the schedule afresh,
and no sign-in from before the restore works (one ended after the backup would be back).

On SQLite the backup and the restore are ``swan-server backup`` and ``restore``; on PostgreSQL
they are ``pg_dump`` and ``pg_restore`` (as the README says), then ``swan-server db restored``.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.server.backup.files import ServerLock
from tests.server.support import WsClient
from tests.support import pg
from tests.support.pg_cluster import pg_bin

from .realserver import RealServer, cli, serving

BOSS_PASSWORD = "correct horse battery"
RANGE = {"start": "2031-03-01T00:00:00Z", "end": "2031-03-20T00:00:00Z"}


def _session(trainer_id: int, day: int) -> dict[str, Any]:
    return {"start": f"2031-03-{day:02d}T10:00:00Z", "end": f"2031-03-{day:02d}T11:00:00Z",
            "trainer_id": trainer_id, "client_name": "Rui", "status": "scheduled"}


async def _token(server: RealServer, username: str, password: str) -> tuple[WsClient, str]:
    client = await server.client()
    token = (await client.ok("authenticate", {"username": username, "password": password}))["token"]
    await client.ok("sync", {})
    return client, str(token)


async def _refused(server: RealServer, token: str) -> dict[str, Any]:
    return await (await server.client()).error("authenticate", {"token": token})


def _pg_tool(name: str, *args: str) -> None:
    tools = pg_bin()
    assert tools is not None, "PostgreSQL is not installed"
    done = subprocess.run([str(tools / name), *args], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def _back_up(db: str | Path, copy: Path) -> None:
    if isinstance(db, Path):
        assert cli("backup", "--db", str(db), "--to", str(copy)).returncode == 0  # while serving
    else:
        _pg_tool("pg_dump", "-Fc", "-d", db, "-f", str(copy))


def _restore(db: str | Path, copy: Path) -> str:
    """Restore as the README says; what the command that starts the database over printed."""
    if isinstance(db, Path):
        done = cli("restore", "--db", str(db), "--from", str(copy))
    else:
        _pg_tool("pg_restore", "--clean", "-d", db, str(copy))
        done = cli("db", "restored", "--db", db)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_after_a_restore_desktops_load_afresh_and_every_earlier_sign_in_is_ended(
    tmp_path: Path,
) -> None:
    db, copy = pg.target(tmp_path / "studio.sqlite3"), tmp_path / "copy"
    assert cli("init", "--db", str(db), "--admin", "boss", stdin=BOSS_PASSWORD + "\n").returncode == 0
    async with serving(db, "--tls", "off") as server:
        boss, boss_token = await _token(server, "boss", BOSS_PASSWORD)
        trainer = (await boss.ok("trainer.create", {"name": "Ana"}))["trainer"]
        made = await boss.ok("account.create", {"username": "desk", "name": "Front desk", "role": "viewer"})
        desk, desk_token = await _token(server, "desk", made["password"])
        kept = (await boss.ok("session.create", _session(trainer["id"], 3)))["session"]
        _back_up(db, copy)
        # After the backup: a session booked (its event seen by the desk), and the desk signed out.
        await boss.ok("session.create", _session(trainer["id"], 4))
        seen = await desk.event_of("session:created")
        await desk.ok("auth.logout")
    said = _restore(db, copy)
    assert "signs in again" in said and "2 sign-in(s) ended" in said and "Its last change was made at" in said
    assert not [p.name for p in tmp_path.iterdir() if ".restoring" in p.name]
    async with serving(db, "--tls", "off") as server:
        # Attack: the desk's sign-in, ended after the backup, is not back with the restored tokens.
        assert (await _refused(server, desk_token))["code"] == "unauthorized"
        assert (await _refused(server, boss_token))["code"] == "unauthorized"
        boss, _ = await _token(server, "boss", BOSS_PASSWORD)
        again = [(await boss.ok("session.create", _session(trainer["id"], day)))["session"]
                 for day in (5, 6, 7)]  # the restored server numbers its events past what the desk saw
        desk = await server.signed_in("desk", made["password"])
        synced = await desk.ok("sync", {"since": {"epoch": seen["epoch"], "seq": seen["seq"]}})
        assert synced["recovered"] is False and synced["epoch"] != seen["epoch"]
        assert synced["seq"] > seen["seq"]
        assert (await desk.ok("schedule.query", RANGE))["sessions"] == [kept, *again]


def test_db_restored_is_refused_while_a_server_holds_the_file_or_on_one_not_swans(tmp_path: Path) -> None:
    missing = cli("db", "restored", "--db", str(tmp_path / "none.sqlite3"))
    assert missing.returncode == 1 and "no database at" in missing.stderr
    assert not (tmp_path / "none.sqlite3").exists()
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE notes (text)")
    foreign = cli("db", "restored", "--db", str(other))
    assert foreign.returncode == 1 and "not a Swan server database" in foreign.stderr
    db = tmp_path / "studio.sqlite3"
    assert cli("init", "--db", str(db), "--admin", "boss", stdin=BOSS_PASSWORD + "\n").returncode == 0
    lock = ServerLock(db)  # what a running server holds
    assert lock.acquire()
    try:
        held = cli("db", "restored", "--db", str(db))
    finally:
        lock.release()
    assert held.returncode == 1 and "a server is using" in held.stderr
    assert cli("db", "restored", "--db", str(db)).returncode == 0


async def test_attack_db_restored_is_refused_while_an_instance_is_connected_to_the_postgresql_database(
        tmp_path: Path) -> None:
    """Starting a database over under a running instance: it would go on numbering events in the
    old epoch and serving sign-ins just ended. On SQLite the file's lock says a server holds it;
    on PostgreSQL the instances' connections do (every one is named swan-server)."""
    db = pg.target(tmp_path / "studio.sqlite3")
    if isinstance(db, Path):
        pytest.skip("PostgreSQL only (SQLite's case is the test above)")
    assert cli("init", "--db", db, "--admin", "boss", stdin=BOSS_PASSWORD + "\n").returncode == 0
    async with serving(db, "--tls", "off") as server:
        await server.signed_in("boss", BOSS_PASSWORD)
        held = cli("db", "restored", "--db", db)
        assert held.returncode == 1 and "stop every instance first" in held.stderr, held.stderr
        assert "correct horse" not in held.stderr
    assert cli("db", "restored", "--db", db).returncode == 0
    unreachable = cli("db", "restored", "--db", "postgresql://swan@127.0.0.1:1/swan")
    assert unreachable.returncode == 1 and "cannot reach" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
