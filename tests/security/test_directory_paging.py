"""A studio with more clients than fit one frame (1 MiB): ``directory.query`` carries the first
page of them and ``directory.clients`` the rest, and the desktop signs in holding every one.

Before, every client was in the one ``directory.query`` reply each desktop asks for at sign-in;
past about 10,000 clients it was over the frame the desktop accepts and no desktop could sign in."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert

from swan_desktop.protocol.frames import MAX_FRAME_BYTES
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from swan_desktop.server.tables import clients
from tests.server.support import signed_in_client

from .support import Peers, pages, raw_reply

#: With names of about 40 characters a client is about 110 bytes of JSON: 12,000 are about 1.3 MB.
COUNT = 12_000


def _fill(server: EmbeddedServer) -> list[int]:
    """``COUNT`` more clients, every third archived; every client id, in order."""
    def fill(store: Store) -> list[int]:
        rows = [{"name": f"Client number {n:05d} of the studio group", "archived": int(n % 3 == 0),
                 "created_at": "2026-01-01T00:00:00Z"} for n in range(COUNT)]
        with store.transaction():
            store.db.execute(insert(clients), rows)
        return [c.id for c in store.clients()]

    return list(server.server.store.submit(fill))


async def test_a_directory_larger_than_a_frame_sends_its_clients_in_pages_each_within_a_frame(
        server: EmbeddedServer, peers: Peers) -> None:
    ids = _fill(server)
    vic = await peers.signed_in("vic")
    size, first = await raw_reply(vic, "directory.query", {}, "dir")
    data = first["data"]
    assert size < MAX_FRAME_BYTES and data["trainers"] and data["users"] and data["session_types"]
    assert data["clients_more"] is True and data["clients_after"] == data["clients"][-1]["id"]
    rest = await pages(vic, "directory.clients", {"after": data["clients_after"]}, "after")
    assert all(size < MAX_FRAME_BYTES for size, _ in rest) and rest[-1][1]["after"] is None
    every = data["clients"] + [c for _, page in rest for c in page["clients"]]
    assert [c["id"] for c in every] == ids
    assert sum(c["archived"] for c in every) == COUNT // 3  # the clients feature's field, on every page


async def test_a_small_studios_directory_is_one_reply(server: EmbeddedServer, peers: Peers) -> None:
    vic = await peers.signed_in("vic")
    data = await vic.ok("directory.query", {})
    assert data["clients"] and data["clients_more"] is False and data["clients_after"] is None


@pytest.mark.parametrize("after", ["12", None, -1.5, [3]])
async def test_directory_clients_refuses_an_after_that_is_not_a_client_id(
        server: EmbeddedServer, peers: Peers, after: object) -> None:
    vic = await peers.signed_in("vic")
    err = await vic.error("directory.clients", {"after": after})
    assert err["code"] == "invalid", err


async def test_the_desktop_signs_in_holding_every_client(server: EmbeddedServer, tmp_path: Path) -> None:
    ids = _fill(server)
    vic = await signed_in_client(server.url, "vic", tmp_path / "pc")
    try:
        assert sorted(vic.store.directory.clients) == ids
        assert vic.snapshot() is not None and len(vic.snapshot().directory["clients"]) == len(ids)  # type: ignore[union-attr]
    finally:
        await vic.close()
