"""The swan-server command: user add from standard input, and serve."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from websockets.asyncio.client import connect

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import WsClient

from .support import CLI, run_cli


def test_user_add_refuses_an_empty_password(tmp_path: Path) -> None:
    result = run_cli(["user", "add", "zoe", "--role", "trainer", "--db", str(tmp_path / "s.db")], "\n")
    assert result.returncode == 2
    assert "empty password" in result.stderr


async def test_user_added_from_stdin_can_sign_in_and_update_says_so(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    added = run_cli(
        ["user", "add", "zoe", "--role", "trainer", "--db", str(db), "--display-name", "Zoe K"], "pw-1\n"
    )
    assert added.returncode == 0, added.stderr
    assert "added" in added.stdout
    updated = run_cli(["user", "add", "zoe", "--role", "admin", "--db", str(db)], "pw-2\n")
    assert updated.returncode == 0 and "updated" in updated.stdout
    server = EmbeddedServer(db, demo=False)
    server.start()
    try:
        async with connect(server.url) as ws:
            client = WsClient(ws)
            err = await client.error("authenticate", {"username": "zoe", "password": "pw-1"})
            assert err["code"] == "unauthorized"
            data = await client.ok("authenticate", {"username": "zoe", "password": "pw-2"})
            assert data["user"]["role"] == "admin"
    finally:
        server.stop()


async def test_serve_demo_answers_a_schedule_query_for_this_week(tmp_path: Path) -> None:
    db = tmp_path / "serve.db"
    assert run_cli(["user", "add", "viewer", "--role", "viewer", "--db", str(db)], "look\n").returncode == 0
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = await asyncio.create_subprocess_exec(
        *CLI, "serve", "--demo", "--db", str(db), "--port", "0", "--tls", "off",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
        assert line.startswith("swan-server listening on ws://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        now = datetime.now(UTC)
        week = {"start": format_ts(now - timedelta(days=3)), "end": format_ts(now + timedelta(days=4))}
        async with connect(url) as ws:
            client = WsClient(ws)
            await client.ok("authenticate", {"username": "viewer", "password": "look"})
            sessions = (await client.ok("schedule.query", week))["sessions"]
            assert len(sessions) > 20
            assert json.dumps(sessions)  # plain JSON objects
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 20)
    assert code == 0
