"""Signing out, a role change and a change from another process end the sign-ins they should."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess

from websockets.exceptions import ConnectionClosed

from swan_desktop.server.embedded import EmbeddedServer
from tests.server.support import CLI, WAIT

from .support import BAD_PC, Peers, user_ids


async def test_auth_logout_revokes_the_token_on_the_server(peers: Peers) -> None:
    ana = await peers.signed_in("ana")
    token = (await ana.login("ana"))["token"]
    twin = await peers.open()
    await twin.ok("authenticate", {"token": token})  # the same sign-in on a second socket
    assert await ana.ok("auth.logout") == {"signed_out": True}
    refused = await ana.error("schedule.query", {"start": "2031-01-01T00:00:00Z",
                                                 "end": "2031-01-02T00:00:00Z"})
    assert refused["code"] == "unauthorized"
    await asyncio.wait_for(twin.ws.wait_closed(), WAIT)
    assert twin.ws.close_code == 4003
    stolen = await peers.open(BAD_PC)
    assert (await stolen.error("authenticate", {"token": token}))["code"] == "unauthorized"
    await ana.login("ana")  # the signed-out socket may sign in again


async def test_a_role_change_revokes_the_users_tokens_and_downgrades_the_open_connection(
        server: EmbeddedServer, peers: Peers) -> None:
    boss, ana = await peers.signed_in("boss"), await peers.open()
    token = (await ana.login("ana"))["token"]
    await boss.ok("user.set_role", {"user_id": user_ids(server)["ana"], "role": "viewer"})
    denied = await ana.error("session.create", {})
    assert denied["code"] == "forbidden"
    again = await peers.open()
    assert (await again.error("authenticate", {"token": token}))["code"] == "unauthorized"


async def test_user_add_in_another_process_closes_the_users_open_connections(
        server: EmbeddedServer, peers: Peers) -> None:
    ana = await peers.open()
    token = (await ana.login("ana"))["token"]
    changed = await asyncio.to_thread(
        subprocess.run, [*CLI, "user", "add", "ana", "--role", "viewer", "--db", str(server.db_path)],
        input="a-new-password\n", capture_output=True, text=True, timeout=60, check=False)
    assert changed.returncode == 0, changed.stderr
    await asyncio.wait_for(ana.ws.wait_closed(), WAIT)
    assert ana.ws.close_code == 4003 and ana.ws.close_reason
    again = await peers.open()
    assert (await again.error("authenticate", {"token": token}))["code"] == "unauthorized"


async def test_a_deleted_admins_open_connection_cannot_announce(server: EmbeddedServer, peers: Peers) -> None:
    boss, vic = await peers.signed_in("boss"), await peers.signed_in("vic")
    with sqlite3.connect(server.db_path) as db:  # another process's change, as far as the server knows
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("DELETE FROM users WHERE username = 'boss'")
    try:
        reply = await boss.request("notification.announce", {"title": "Studio closed", "message": "Go home."})
        assert reply["ok"] is False and reply["error"]["code"] == "unauthorized"
    except ConnectionClosed:
        pass  # the close may overtake the reply
    await asyncio.wait_for(boss.ws.wait_closed(), WAIT)
    assert boss.ws.close_code == 4003
    notes = (await vic.ok("notification.query", {}))["notifications"]
    assert "Studio closed" not in [n["title"] for n in notes]


async def test_the_last_admin_cannot_demote_themself(server: EmbeddedServer, peers: Peers) -> None:
    boss = await peers.signed_in("boss")
    ids = user_ids(server)
    await boss.ok("user.set_role", {"user_id": ids["admin"], "role": "viewer"})  # the desktop's local admin
    refused = await boss.error("user.set_role", {"user_id": ids["boss"], "role": "viewer"})
    assert refused["code"] == "conflict" and refused["data"]["reason"] == "last_admin"
    await boss.ok("user.set_role", {"user_id": ids["ana"], "role": "admin"})
    await boss.ok("user.set_role", {"user_id": ids["boss"], "role": "trainer"})  # now there is another


async def test_a_password_reset_closes_the_users_open_connections_at_once(
        server: EmbeddedServer, peers: Peers) -> None:
    """Someone who learned ana's password is signed in on the bad PC; the admin resets it."""
    boss, intruder = await peers.signed_in("boss"), await peers.signed_in("ana", BAD_PC)
    await boss.ok("account.reset_password", {"user_id": user_ids(server)["ana"]})
    await asyncio.wait_for(intruder.ws.wait_closed(), WAIT)
    assert intruder.ws.close_code == 4003 and "reset" in (intruder.ws.close_reason or "")
    assert not boss.ws.close_code  # nobody else is signed out


async def test_changing_ones_password_signs_out_every_other_sign_in_of_the_account(
        server: EmbeddedServer, peers: Peers) -> None:
    """vic changes her password because someone on the bad PC knows it: that sign-in ends."""
    vic, intruder = await peers.open(), await peers.open(BAD_PC)
    own_token = (await vic.login("vic"))["token"]
    stolen = (await intruder.login("vic"))["token"]
    assert await vic.ok("account.set_password", {"current": "vic-secret", "new": "a-long-new-secret"}) == {}
    await asyncio.wait_for(intruder.ws.wait_closed(), WAIT)
    assert intruder.ws.close_code == 4003
    again = await peers.open(BAD_PC)
    assert (await again.error("authenticate", {"token": stolen}))["code"] == "unauthorized"
    await vic.ok("sync", {})  # the connection that changed it goes on, its token still good
    own = await peers.open()
    assert (await own.ok("authenticate", {"token": own_token}))["user"]["name"] == "Vic"
