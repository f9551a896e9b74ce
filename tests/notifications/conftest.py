"""Fixtures for notification tests: a real server where the trainer user ana is linked to trainer 1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from swan_desktop.protocol.entities import Role
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.server.support import FAST_HASHER, PASSWORDS, Clients, start_server
from tests.support.session_bus import session_bus as private_bus

T = TypeVar("T")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(tmp_path / "swan.db", notifications=True)
    password = FAST_HASHER.hash(PASSWORDS["ana"])
    srv.server.store.submit(Store.upsert_user, "ana", "Ana", Role.TRAINER, password, 1)
    yield srv
    srv.stop()


@pytest.fixture
async def clients(server: EmbeddedServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close()


async def on_server(server: EmbeddedServer, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on the server's own loop and await its result from the test's loop."""
    future = asyncio.run_coroutine_threadsafe(make(), server._require_loop())
    return await asyncio.wrap_future(future)


async def created(client: Any, title: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next ``notification:created`` with ``title`` this client receives (others are skipped)."""
    async def wait() -> dict[str, Any]:
        while True:
            event = await client.next_event(timeout)
            if event["kind"] == "notification:created" and event["data"]["notification"]["title"] == title:
                return dict(event["data"]["notification"])
    return await asyncio.wait_for(wait(), timeout)


async def titles(server: EmbeddedServer, client: Any) -> list[str]:
    """Every notification title the client's user has, after the server finished its background work."""
    await on_server(server, server.server.notifications.idle)
    reply = await client.ok("notification.query", {"include_dismissed": True})
    return [n["title"] for n in reply["notifications"]]


@pytest.fixture
def session_bus(tmp_path: Path) -> Iterator[str]:
    """A private session bus that starts nothing on demand (see tests/support/session_bus.py)."""
    with private_bus(tmp_path) as address:
        yield address
