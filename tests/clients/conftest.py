"""A real server (demo studio, test users; ana is trainer 1) for the clients feature's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.protocol.entities import Role
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from swan_desktop.server.store import Store
from tests.support.server import FAST_HASHER, PASSWORDS, Clients, WsClient, start_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(tmp_path / "studio.sqlite3", limits=Limits(rate=0))
    srv.server.store.submit(
        Store.upsert_user, "ana", "Ana", Role.TRAINER, FAST_HASHER.hash(PASSWORDS["ana"]), 1
    )
    yield srv
    srv.stop()


@pytest.fixture
async def clients(server: EmbeddedServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close()


async def new_client(ws: WsClient, name: str, **fields: Any) -> dict[str, Any]:
    return dict((await ws.ok("client.create", {"name": name, **fields}))["client"])


async def group_type(admin: WsClient, capacity: int, credits: int = 1) -> int:
    reply = await admin.ok(
        "session_type.create", {"name": f"Group of {capacity}", "capacity": capacity, "credits": credits}
    )
    return int(reply["session_type"]["id"])
