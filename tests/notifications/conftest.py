"""Fixtures for notification tests: a real server where the trainer user ana is linked to trainer 1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import on_server, signed_in_client, start_notifications_server
from tests.support.session_bus import session_bus as private_bus


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_notifications_server(tmp_path / "swan.db")
    yield srv
    srv.stop()


@pytest.fixture
async def boss(server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[StudioClient]:
    """The admin, signed in with the app's own client."""
    client = await signed_in_client(server.url, "boss", tmp_path / "pc")
    yield client
    await client.close()


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
