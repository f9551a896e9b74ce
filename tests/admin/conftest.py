"""Fixtures for studio administration tests: a real server on a new database, no demo studio."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from tests.server.support import Clients, start_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(tmp_path / "studio.sqlite3", demo=False)
    yield srv
    srv.stop()


@pytest.fixture
async def clients(server: EmbeddedServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close()
