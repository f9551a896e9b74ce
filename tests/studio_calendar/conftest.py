"""A real server (demo studio, test users) for calendar tests, with plain protocol clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from tests.support.server import WsClient, start_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(tmp_path / "studio.sqlite3", limits=Limits(rate=0))
    yield srv
    srv.stop()


async def client_credits(client: WsClient, client_id: int) -> int:
    directory = await client.ok("directory.query")
    return int(next(c["credits"] for c in directory["clients"] if c["id"] == client_id))


async def set_zone(admin: WsClient, zone: str, **more: Any) -> None:
    await admin.ok("studio.settings.set", {"timezone": zone, **more})
