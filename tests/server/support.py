"""Helpers for server tests: a real server on loopback and a plain WebSocket client."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from ssl import SSLContext
from typing import Any

from argon2 import PasswordHasher
from websockets.asyncio.client import ClientConnection, connect

from swan_desktop.protocol.entities import Role
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from swan_desktop.server.store import Store

#: Cheap argon2 parameters: the tests check behaviour, not hashing cost.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORDS = {"ana": "ana-secret", "vic": "vic-secret", "boss": "boss-secret"}
ROLES = {"ana": Role.TRAINER, "vic": Role.VIEWER, "boss": Role.ADMIN}
WAIT = 5.0
Data = dict[str, Any] | None


class WsClient:
    """A plain protocol client: sends requests, matches replies by id, collects events in order."""

    _ids = itertools.count(1)

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self.frames: list[dict[str, Any]] = []

    async def recv(self, timeout: float = WAIT) -> dict[str, Any]:
        frame = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        assert isinstance(frame, dict)
        return frame

    async def send_raw(self, text: str) -> None:
        await self.ws.send(text)

    async def reply_to(self, rid: str) -> dict[str, Any]:
        while True:
            frame = await self.recv()
            if frame.get("type") == "event":
                self.events.append(frame)
            elif frame.get("type") == "reply" and frame.get("re") == rid:
                return frame
            else:
                self.frames.append(frame)

    async def request(self, rtype: str, data: Data = None, rid: str | None = None) -> dict[str, Any]:
        rid = rid or f"r{next(self._ids)}"
        await self.ws.send(json.dumps({"type": rtype, "id": rid, "data": data or {}}))
        return await self.reply_to(rid)

    async def ok(self, rtype: str, data: Data = None, rid: str | None = None) -> dict[str, Any]:
        reply = await self.request(rtype, data, rid)
        assert reply["ok"] is True, reply
        return dict(reply["data"])

    async def error(self, rtype: str, data: Data = None, rid: str | None = None) -> dict[str, Any]:
        reply = await self.request(rtype, data, rid)
        assert reply["ok"] is False, reply
        return dict(reply["error"])

    async def next_event(self, timeout: float = WAIT) -> dict[str, Any]:
        while not self.events:
            frame = await self.recv(timeout)
            if frame.get("type") == "event":
                self.events.append(frame)
            else:
                self.frames.append(frame)
        return self.events.pop(0)

    async def login(self, username: str) -> dict[str, Any]:
        return await self.ok("authenticate", {"username": username, "password": PASSWORDS[username]})


def add_users(server: EmbeddedServer) -> None:
    for username, password in PASSWORDS.items():
        server.server.store.submit(
            Store.upsert_user, username, username.title(), ROLES[username], FAST_HASHER.hash(password)
        )


def start_server(
    db: Path, demo: bool = True, *, limits: Limits | None = None, ssl: SSLContext | None = None,
    notifications: bool = False, metrics_open: bool = True,
) -> EmbeddedServer:
    """A running server with the test users. Notification triggers are off unless asked for: they add
    events of their own, and most tests count events exactly. ``GET /metrics`` is open here (many
    tests read it); a server's default is closed without a token."""
    server = EmbeddedServer(db, demo=demo, hasher=FAST_HASHER, limits=limits, ssl=ssl)
    server.server.monitor.metrics_open = metrics_open
    server.start()
    server.server.notifications.triggers = notifications
    add_users(server)
    return server


class Clients:
    """Opens clients against a server and closes them all at the end of the test."""

    def __init__(self, server: EmbeddedServer) -> None:
        self.server = server
        self._open: list[ClientConnection] = []

    async def open(self, url: str | None = None) -> WsClient:
        ws = await connect(url or self.server.url, open_timeout=WAIT, close_timeout=2)
        self._open.append(ws)
        return WsClient(ws)

    async def signed_in(self, username: str, sync: bool = True) -> WsClient:
        client = await self.open()
        await client.login(username)
        if sync:
            await client.ok("sync", {})
        return client

    async def close(self) -> None:
        for ws in self._open:
            await ws.close()


def session_data(**overrides: Any) -> dict[str, Any]:
    """A valid ``session.create`` payload far in the future (clear of the demo schedule)."""
    data: dict[str, Any] = {
        "start": "2031-03-03T10:00:00Z",
        "end": "2031-03-03T11:00:00Z",
        "trainer_id": 1,
        "client_id": 1,
        "location": "Studio A",
        "session_type_id": 1,
        "status": "scheduled",
    }
    data.update(overrides)
    return data
