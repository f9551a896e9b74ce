"""Fixtures for studio administration tests: a real server on a new database, no demo studio."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from tests.server.support import Clients


@pytest.fixture
def server(empty_server: EmbeddedServer) -> EmbeddedServer:
    """Here the server has no demo studio: ``empty_server`` (tests/support/fixtures.py)."""
    return empty_server


@pytest.fixture
async def clients(server: EmbeddedServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close()
