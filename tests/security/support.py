"""Clients on several loopback addresses, as if from several PCs on the studio LAN."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from swan_desktop.server.embedded import EmbeddedServer
from tests.server.support import WAIT, WsClient

#: The studio's real PC and a misbehaving one.
REAL_PC = "127.0.0.1"
BAD_PC = "127.0.0.2"


class Peers:
    """Opens WebSocket clients from given source addresses and closes them all at the end."""

    def __init__(self, server: EmbeddedServer) -> None:
        self.server = server
        self._open: list[ClientConnection] = []

    async def open(self, source: str = REAL_PC, *, headers: dict[str, str] | None = None) -> WsClient:
        ws = await connect(self.server.url, open_timeout=WAIT, close_timeout=1,
                           local_addr=(source, 0), additional_headers=headers)
        self._open.append(ws)
        return WsClient(ws)

    async def signed_in(self, username: str, source: str = REAL_PC, sync: bool = True) -> WsClient:
        client = await self.open(source)
        await client.login(username)
        if sync:
            await client.ok("sync", {})
        return client

    async def close(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self._open), return_exceptions=True)


async def eventually(check: Callable[[], bool], timeout: float = WAIT) -> None:
    """Wait until ``check()`` holds (polled every 10 ms), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def user_ids(server: EmbeddedServer) -> dict[str, int]:
    from swan_desktop.server.store import Store

    return {a.username: a.id for a in server.server.store.submit(Store.accounts)}


async def raw_reply(client: WsClient, rtype: str, data: dict[str, Any],
                    rid: str) -> tuple[int, dict[str, Any]]:
    """The reply's frame size in bytes and the reply (events on the way are kept in ``client.events``)."""
    await client.ws.send(json.dumps({"type": rtype, "id": rid, "data": data}))
    while True:
        raw = await asyncio.wait_for(client.ws.recv(), WAIT)
        frame = json.loads(raw)
        if frame.get("type") == "event":
            client.events.append(frame)
        if frame.get("type") == "reply" and frame.get("re") == rid:
            return len(raw.encode() if isinstance(raw, str) else raw), frame


async def pages(client: WsClient, rtype: str, data: dict[str, Any],
                cursor: str) -> list[tuple[int, dict[str, Any]]]:
    """Every page of a paged query as (frame bytes, reply data), asking again with each reply's
    ``cursor`` field (``before`` or ``after``) while it says ``more``."""
    got: list[tuple[int, dict[str, Any]]] = []
    asked = data
    while len(got) < 1000:
        size, reply = await raw_reply(client, rtype, asked, f"page-{len(got)}")
        assert reply["ok"] is True, reply
        got.append((size, reply["data"]))
        if not reply["data"]["more"]:
            return got
        asked = {**data, cursor: reply["data"][cursor]}
    raise AssertionError("paging did not end")
