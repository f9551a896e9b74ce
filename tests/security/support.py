"""Clients on several loopback addresses, as if from several PCs on the studio LAN."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

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
