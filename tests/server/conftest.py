"""Fixtures for server tests: a real server on loopback and a plain WebSocket client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from swan_desktop.server.embedded import EmbeddedServer

from .support import Clients, start_server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "swan.db"


@pytest.fixture
def server(db_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(db_path)
    yield srv
    srv.stop()


@pytest.fixture
async def clients(server: EmbeddedServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close()
