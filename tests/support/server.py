"""A real swan-server on loopback for tests, and ways to talk to it.

    server = start_server(tmp_path / "studio.sqlite3")      # demo studio plus ana, vic and boss
    ws = await Clients(server).signed_in("ana")              # a plain protocol client (WsClient)
    client = await signed_in_client(server.url, "ana", tmp_path / "pc")   # the app's StudioClient
    await on_server(server, server.server.notifications.idle)             # run on the server's loop
    reply = await http_get(server.port, "/health")

The ``server``, ``db_path`` and ``clients`` fixtures built on these are in
:mod:`tests.support.fixtures`; a test folder whose server needs other settings
overrides ``server`` in its conftest.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from ssl import SSLContext
from typing import Any, NamedTuple, TypeVar

from argon2 import PasswordHasher
from websockets.asyncio.client import ClientConnection, connect

from swan_desktop.core.client import StudioClient
from swan_desktop.core.outcomes import RateLimited, outcome_of
from swan_desktop.protocol.entities import Role
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from swan_desktop.server.notifier_api import Notice, Recipients
from swan_desktop.server.store import Store

from . import templates

T = TypeVar("T")

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

    async def event_of(self, kind: str, timeout: float = WAIT) -> dict[str, Any]:
        """The next event of ``kind`` (others before it are skipped)."""
        while True:
            event = await self.next_event(timeout)
            if event["kind"] == kind:
                return event

    async def notification_created(self, title: str, timeout: float = WAIT) -> dict[str, Any]:
        """The notification of the next ``notification:created`` event with ``title`` (others are skipped)."""
        async with asyncio.timeout(timeout):
            while True:
                event = await self.event_of("notification:created", timeout)
                if event["data"]["notification"]["title"] == title:
                    return dict(event["data"]["notification"])

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
    notifications: bool = False, metrics_open: bool = True, compression: bool = False,
) -> EmbeddedServer:
    """A running server with the test users. Notification triggers are off unless asked for: they add
    events of their own, and most tests count events exactly. ``GET /metrics`` is open here (many
    tests read it); a server's default is closed without a token."""
    server = EmbeddedServer(templates.fresh(db, demo), demo=demo, hasher=FAST_HASHER, limits=limits, ssl=ssl,
                            compression=compression)
    server.server.monitor.metrics_open = metrics_open
    server.start()
    server.server.notifications.triggers = notifications
    add_users(server)
    return server


def start_notifications_server(db: Path) -> EmbeddedServer:
    """A running server with notification triggers on, where the user ana is trainer 1."""
    server = start_server(db, notifications=True)
    password = FAST_HASHER.hash(PASSWORDS["ana"])
    server.server.store.submit(Store.upsert_user, "ana", "Ana", Role.TRAINER, password, 1)
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


async def signed_in_client(url: str, username: str, outbox_dir: Path, **link_options: Any) -> StudioClient:
    """The app's own client, signed in as ``username`` (the caller closes it)."""
    client = StudioClient(url, outbox_dir=outbox_dir, **link_options)
    try:
        await client.sign_in({"username": username, "password": PASSWORDS[username]})
    except BaseException:
        await client.close()
        raise
    return client


async def signs_in(server: EmbeddedServer, username: str, password: str) -> bool:
    """Whether the server lets ``username`` sign in with ``password`` just now."""
    pool = Clients(server)
    try:
        ws = await pool.open()
        reply = await ws.request("authenticate", {"username": username, "password": password})
        return bool(reply["ok"])
    finally:
        await pool.close()


async def paced(request: Callable[[], Awaitable[T]]) -> T:
    """``await request()``, waiting as long as the server's rate limit asks (many requests in a row)."""
    while True:
        try:
            return await request()
        except ProtocolError as exc:
            outcome = outcome_of(exc)
            if not isinstance(outcome, RateLimited):
                raise
            await asyncio.sleep(outcome.retry_after_s)


class RecordingNotifier:
    """Stands in for the notification service (``server.server.notifier``) and keeps what it was told."""

    def __init__(self) -> None:
        self.sent: list[tuple[Recipients, Notice]] = []

    async def notify(self, recipients: Recipients, notice: Notice) -> None:
        self.sent.append((recipients, notice))


async def on_server(server: EmbeddedServer, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``make()`` on the server's own loop (its services live there) and await the result here."""
    async def run() -> T:
        return await make()

    loop = server.call(asyncio.get_running_loop)
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), loop))


class HttpReply(NamedTuple):
    status: int
    headers: dict[str, str]     # names in lower case
    body: bytes


async def http_get(port: int, path: str, headers: dict[str, str] | None = None) -> HttpReply:
    """A plain HTTP/1.1 GET on loopback (the server answers /health and /metrics on its port)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n".encode())
        await writer.drain()
        async with asyncio.timeout(WAIT):
            raw = await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    return HttpReply(int(lines[0].split()[1]), {k.lower(): v for k, v in fields.items()}, body)


def free_port() -> int:
    """A loopback port nobody listens on just now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
