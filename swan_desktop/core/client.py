"""The signed-in client: a connection, the event router and the stores it feeds.

It is also the app's implementation of :class:`~swan_desktop.core.actions.ScheduleActions`:
the views ask it to create, change and delete sessions, and it asks the server.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..net.connection import AuthInfo, Connection, ConnectionLost
from ..protocol.entities import Session, User
from ..protocol.frames import Event
from ..protocol.timefmt import format_ts
from .directory import Directory
from .events import EventRouter
from .schedule import ScheduleStore

log = logging.getLogger(__name__)


class StudioClient:
    """Everything one signed-in user of one server needs, without Qt."""

    def __init__(self, url: str, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.url = url
        self.store = ScheduleStore()
        self.router = EventRouter()
        self.router.register("session:", self.store.apply_event)
        self.connection = Connection(url, ssl_context=ssl_context)
        self.connection.on_event = self._on_event
        self.connection.on_closed = self._on_closed
        self.on_connection_lost: Callable[[str], None] | None = None
        self.auth: AuthInfo | None = None
        self._closing = False
        self._ranges: list[tuple[datetime, datetime]] = []

    @property
    def user(self) -> User | None:
        return self.auth.user if self.auth else None

    # -- lifecycle -------------------------------------------------------
    async def sign_in(self, credentials: dict[str, Any]) -> AuthInfo:
        """Open the connection, authenticate, load the directory and go live."""
        await self.connection.open()
        try:
            self.auth = await self.connection.authenticate(credentials)
            directory = await self.connection.request("directory.query", {})
            self.store.set_directory(Directory.from_wire(directory))
            synced = await self.connection.sync(self.router.cursor)
        except BaseException:
            await self.connection.close()
            raise
        if not synced.get("recovered"):
            self.router.reset(str(synced["epoch"]), int(synced["seq"]))
        return self.auth

    async def close(self) -> None:
        self._closing = True
        await self.connection.close()

    def _on_event(self, event: Event) -> None:
        self.router.dispatch(event)

    def _on_closed(self, error: Exception | None) -> None:
        if self._closing:
            return
        log.warning("connection to %s lost: %s", self.url, error)
        if self.on_connection_lost is not None:
            self.on_connection_lost(str(error or "closed by the server"))

    # -- queries ---------------------------------------------------------
    async def load_range(self, start: datetime, end: datetime) -> int:
        """Fetch sessions overlapping ``[start, end)`` into the store; returns how many."""
        reply = await self.connection.request(
            "schedule.query", {"start": format_ts(start), "end": format_ts(end)})
        sessions = [Session.from_wire(s) for s in reply.get("sessions", [])]
        as_of = reply.get("seq")
        self.store.replace_range(start, end, sessions, as_of if isinstance(as_of, int) else None)
        return len(sessions)

    # -- ScheduleActions -------------------------------------------------
    async def create_session(self, fields: dict[str, Any], *, allow_overlap: bool = False) -> Session:
        data = dict(fields)
        if allow_overlap:
            data["allow_overlap"] = True
        reply = await self.connection.request("session.create", data)
        session = Session.from_wire(reply["session"])
        self.store.upsert(session)
        return session

    async def update_session(self, session_id: int, version: int, changes: dict[str, Any], *,
                             allow_overlap: bool = False) -> Session:
        data: dict[str, Any] = {"id": session_id, "version": version, "changes": changes}
        if allow_overlap:
            data["allow_overlap"] = True
        reply = await self.connection.request("session.update", data)
        session = Session.from_wire(reply["session"])
        self.store.upsert(session)
        return session

    async def delete_session(self, session_id: int, version: int) -> None:
        await self.connection.request("session.delete", {"id": session_id, "version": version})
        self.store.remove(session_id)


async def wait_connected(client: StudioClient, credentials: dict[str, Any], attempts: int = 3,
                         delay: float = 0.5) -> AuthInfo:
    """Sign in, retrying a few times while the server is still starting."""
    for attempt in range(attempts):
        try:
            return await client.sign_in(credentials)
        except ConnectionLost:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(delay * (attempt + 1))
    raise AssertionError("unreachable")
