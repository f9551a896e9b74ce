"""When the server closes the connection with code 4003 ("your account was
deactivated") the link stops for good: it tells its owner the server's words
once and never reconnects.

A minimal WebSocket peer plays the server here (it answers ``authenticate``
and ``sync``, then closes with 4003), so this runs before the server's
account deactivation lands; the whole desktop being signed out by a real
server is in ``test_admin_live.py``.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from swan_desktop.net.connection import CLOSE_DEACTIVATED
from swan_desktop.net.link import Link, LinkState
from swan_desktop.net.outbox import Outbox

USER = {"id": 5, "name": "Rosa", "role": "viewer"}


async def test_close_code_4003_ends_the_link_with_the_servers_words(tmp_path: Path) -> None:
    connections: list[ServerConnection] = []
    close_now = asyncio.Event()

    async def peer(ws: ServerConnection) -> None:
        connections.append(ws)
        async for raw in ws:
            frame: dict[str, Any] = json.loads(raw)
            data: dict[str, Any] = {"epoch": "e1", "seq": 0, "recovered": True}
            if frame["type"] == "authenticate":
                data = {"token": "t", "expires_at": "2031-01-01T00:00:00Z", "user": USER,
                        "server_time": "2030-01-01T00:00:00Z", "epoch": "e1", "seq": 0}
            await ws.send(json.dumps({"type": "reply", "re": frame["id"], "ok": True, "data": data}))
            if frame["type"] == "sync":
                await close_now.wait()
                await ws.close(CLOSE_DEACTIVATED, "your account was deactivated")

    async with serve(peer, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        link = Link(f"ws://127.0.0.1:{port}", lambda auth: Outbox(tmp_path / "outbox.sqlite3"))
        ended: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        link.on_ended = lambda reason: ended.set_result(reason) if not ended.done() else None
        try:
            await link.connect({"username": "rosa", "password": "x"})
            assert link.state is LinkState.LIVE
            close_now.set()
            assert await asyncio.wait_for(ended, 5) == "your account was deactivated"
            assert link.state is LinkState.DISCONNECTED
            assert link.ended_reason == "your account was deactivated"
            assert link.detail == "signed out: your account was deactivated"
            assert not link._lost.is_set()
            assert len(connections) == 1
        finally:
            await link.stop()
