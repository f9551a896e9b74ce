"""One PC cannot hold the server's connections: a sign-in grace, per-address and per-user limits."""

from __future__ import annotations

import asyncio
from pathlib import Path

from websockets.exceptions import InvalidStatus

from swan_desktop.server.limits import Limits
from tests.server.support import WAIT, start_server

from .support import BAD_PC, REAL_PC, Peers


async def _silent_sockets(peers: Peers, count: int) -> list[int]:
    """Open ``count`` sockets from the bad PC that never authenticate; the HTTP status of each refusal."""
    refused: list[int] = []

    async def one() -> None:
        try:
            await peers.open(BAD_PC)
        except InvalidStatus as exc:
            refused.append(exc.response.status_code)

    gate = asyncio.Semaphore(50)

    async def bounded() -> None:
        async with gate:
            await one()

    await asyncio.wait_for(asyncio.gather(*(bounded() for _ in range(count))), 60)
    return refused


async def test_500_silent_sockets_do_not_lock_out_real_users(peers: Peers) -> None:
    refused = await _silent_sockets(peers, 500)
    assert len(refused) >= 500 - Limits().max_pending_per_address and set(refused) == {429}
    real = await peers.signed_in("ana", REAL_PC)
    assert (await real.ok("heartbeat"))["uptime_s"] >= 0


async def test_a_socket_that_never_signs_in_is_closed_after_the_grace_with_4001(tmp_path: Path) -> None:
    server = start_server(tmp_path / "grace.db", limits=Limits(auth_timeout=0.3))
    peers = Peers(server)
    try:
        silent = await peers.open(BAD_PC)
        await asyncio.wait_for(silent.ws.wait_closed(), WAIT)
        assert silent.ws.close_code == 4001
        assert silent.ws.close_reason and "authenticate" in silent.ws.close_reason
        signed = await peers.signed_in("ana")  # a signed-in connection outlives the grace
        await asyncio.sleep(0.6)
        assert (await signed.ok("heartbeat"))["uptime_s"] >= 0
    finally:
        await peers.close()
        server.stop()


async def test_the_pending_slots_of_an_address_free_up_when_its_sockets_sign_in(tmp_path: Path) -> None:
    server = start_server(tmp_path / "pending.db", limits=Limits(max_pending_per_address=2))
    peers = Peers(server)
    try:
        first, _ = await peers.open(BAD_PC), await peers.open(BAD_PC)
        try:
            await peers.open(BAD_PC)
            raise AssertionError("a third unauthenticated socket was let in")
        except InvalidStatus as exc:
            assert exc.response.status_code == 429
        await first.login("vic")
        await peers.open(BAD_PC)  # vic's socket no longer counts as pending
    finally:
        await peers.close()
        server.stop()


async def test_one_account_cannot_hold_every_connection(tmp_path: Path) -> None:
    server = start_server(tmp_path / "per-user.db", limits=Limits(max_connections_per_user=3))
    peers = Peers(server)
    try:
        for _ in range(3):
            await peers.signed_in("vic", BAD_PC, sync=False)
        extra = await peers.open(BAD_PC)
        refused = await extra.error("authenticate", {"username": "vic", "password": "vic-secret"})
        assert refused["code"] == "rate_limited" and refused["data"] == {"limit": 3}
        await peers.signed_in("ana")  # other users are not affected
    finally:
        await peers.close()
        server.stop()
