"""Fixtures for the security tests: a real server on loopback, clients from several 127.0.0.x addresses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from tests.server.support import start_server

from .support import Peers


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(tmp_path / "swan.db")
    yield srv
    srv.stop()


@pytest.fixture
async def peers(server: EmbeddedServer) -> AsyncIterator[Peers]:
    pool = Peers(server)
    yield pool
    await pool.close()
