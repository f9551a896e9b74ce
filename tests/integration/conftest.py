"""A real swan-server on loopback (demo studio plus ana/vic/boss) for desktop-side tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.server.embedded import EmbeddedServer
from tests.server.support import PASSWORDS, start_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(tmp_path / "studio.sqlite3")
    yield srv
    srv.stop()


@pytest.fixture
async def sign_in(server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[Callable[[str], object]]:
    """``await sign_in("ana")`` gives a signed-in, live StudioClient; all are closed afterwards.

    Each client keeps its outbox in a folder of its own, as separate PCs would.
    """
    opened: list[StudioClient] = []

    async def _open(username: str) -> StudioClient:
        client = StudioClient(server.url, outbox_dir=tmp_path / f"pc-{len(opened)}")
        await client.sign_in({"username": username, "password": PASSWORDS[username]})
        opened.append(client)
        return client

    yield _open
    for client in opened:
        await client.close()
