"""Staff accounts: one-time passwords, links to trainers, roles, deactivation and the last admin."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from swan_desktop.domain.permissions import ADMIN_ONLY
from swan_desktop.server.embedded import EmbeddedServer
from tests.server.support import WAIT, Clients


async def _password_login(clients: Clients, username: str, password: str) -> dict[str, Any]:
    client = await clients.open()
    return await client.request("authenticate", {"username": username, "password": password})


async def test_a_new_account_signs_in_with_its_one_time_password_which_is_not_stored(
    clients: Clients, server: EmbeddedServer
) -> None:
    boss = await clients.signed_in("boss")
    other = await clients.signed_in("vic")
    reply = await boss.ok("account.create", {"username": "maria", "name": "Maria", "role": "trainer"},
                          rid="create-maria")
    password = reply["password"]
    assert len(password) >= 12
    account = reply["account"]
    assert account == {"id": account["id"], "username": "maria", "name": "Maria", "role": "trainer",
                       "trainer_id": None, "active": True}
    event = await other.next_event()
    assert event["kind"] == "user:created" and event["data"]["user"]["name"] == "Maria"
    assert password not in json.dumps(event)
    signed = await _password_login(clients, "maria", password)
    assert signed["ok"] is True
    db = sqlite3.connect(f"file:{server.server.db_path}?mode=ro", uri=True)
    try:
        written = [r[0] for r in db.execute("SELECT reply FROM request_log")]
        written += [r[0] for r in db.execute("SELECT data FROM events")]
        [stored] = db.execute("SELECT password_hash FROM users WHERE username = 'maria'").fetchone()
    finally:
        db.close()
    assert all(password not in text for text in written)
    assert password not in stored and stored.startswith("$argon2")
    listed = (await boss.ok("account.list"))["accounts"]
    assert account in listed and {a["username"] for a in listed} >= {"ana", "vic", "boss", "maria"}
    error = await boss.error("account.create", {"username": "Maria", "name": "Other", "role": "viewer"})
    assert error["code"] == "invalid" and error["data"]["field"] == "username"


async def test_a_reset_password_replaces_the_old_one_and_revokes_tokens(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    ana = await clients.open()
    token = (await ana.login("ana"))["token"]
    users = (await boss.ok("account.list"))["accounts"]
    ana_id = next(a["id"] for a in users if a["username"] == "ana")
    password = (await boss.ok("account.reset_password", {"user_id": ana_id}))["password"]
    assert (await _password_login(clients, "ana", "ana-secret"))["ok"] is False
    fresh = await clients.open()
    assert (await fresh.request("authenticate", {"token": token}))["ok"] is False
    assert (await _password_login(clients, "ana", password))["ok"] is True


async def test_one_sets_ones_own_password_knowing_the_current_one(clients: Clients) -> None:
    vic = await clients.signed_in("vic")
    error = await vic.error("account.set_password", {"current": "wrong", "new": "a-long-new-secret"})
    assert error["code"] == "invalid" and error["data"]["field"] == "current"
    error = await vic.error("account.set_password", {"current": "vic-secret", "new": "short"})
    assert error["code"] == "invalid" and error["data"]["field"] == "new" and "12" in error["message"]
    assert await vic.ok("account.set_password", {"current": "vic-secret", "new": "a-long-new-secret"}) == {}
    assert (await _password_login(clients, "vic", "vic-secret"))["ok"] is False
    assert (await _password_login(clients, "vic", "a-long-new-secret"))["ok"] is True


async def test_deactivating_closes_the_users_connections_with_4003_and_refuses_sign_in(
    clients: Clients,
) -> None:
    boss = await clients.signed_in("boss")
    ana_one = await clients.signed_in("ana")
    ana_two = await clients.open()
    token = (await ana_two.login("ana"))["token"]
    ana_id = next(a["id"] for a in (await boss.ok("account.list"))["accounts"] if a["username"] == "ana")
    account = (await boss.ok("account.update", {"user_id": ana_id, "changes": {"active": False}}))["account"]
    assert account["active"] is False
    for client in (ana_one, ana_two):
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(client.ws.recv(), WAIT)
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4003, "your account was deactivated")
    refused = await _password_login(clients, "ana", "ana-secret")
    assert refused["ok"] is False and "deactivated" in refused["error"]["message"]
    fresh = await clients.open()
    assert (await fresh.request("authenticate", {"token": token}))["ok"] is False
    await boss.ok("account.update", {"user_id": ana_id, "changes": {"active": True}})
    assert (await _password_login(clients, "ana", "ana-secret"))["ok"] is True


async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    accounts = (await boss.ok("account.list"))["accounts"]
    boss_id = next(a["id"] for a in accounts if a["username"] == "boss")
    for other in accounts:  # the embedded server's local admin, for one
        if other["role"] == "admin" and other["id"] != boss_id:
            await boss.ok("account.update", {"user_id": other["id"], "changes": {"active": False}})
    for changes in ({"role": "trainer"}, {"active": False}):
        error = await boss.error("account.update", {"user_id": boss_id, "changes": changes})
        assert error["code"] == "conflict" and error["data"]["reason"] == "last_admin"
    other = await boss.ok("account.create", {"username": "second", "name": "Second", "role": "admin"})
    await boss.ok("account.update", {"user_id": other["account"]["id"], "changes": {"role": "viewer"}})
    error = await boss.error("account.update", {"user_id": boss_id, "changes": {"active": False}})
    assert error["data"]["reason"] == "last_admin"


async def test_linking_an_account_to_a_trainer_shows_on_both(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    trainer = (await boss.ok("trainer.create", {"name": "Maria"}))["trainer"]
    created = await boss.ok("account.create", {"username": "maria", "name": "Maria", "role": "trainer",
                                                "trainer_id": trainer["id"]})
    assert created["account"]["trainer_id"] == trainer["id"]
    listed = (await boss.ok("directory.query"))["trainers"]
    assert listed[0]["user_id"] == created["account"]["id"]
    error = await boss.error("account.create", {"username": "maria2", "name": "M", "role": "trainer",
                                                 "trainer_id": trainer["id"]})
    assert error["data"]["field"] == "trainer_id"
    second = (await boss.ok("trainer.create", {"name": "Rui"}))["trainer"]
    error = await boss.error("trainer.update", {"id": second["id"],
                                                "changes": {"user_id": created["account"]["id"]}})
    assert error["data"]["field"] == "changes.user_id" and "already linked" in error["message"]
    await boss.ok("account.update", {"user_id": created["account"]["id"], "changes": {"trainer_id": None}})
    moved = (await boss.ok("trainer.update", {"id": second["id"],
                                              "changes": {"user_id": created["account"]["id"]}}))["trainer"]
    assert moved["user_id"] == created["account"]["id"]
    accounts = (await boss.ok("account.list"))["accounts"]
    assert [a["trainer_id"] for a in accounts if a["username"] == "maria"] == [second["id"]]
    assert [t["user_id"] for t in (await boss.ok("directory.query"))["trainers"]] == [None, moved["user_id"]]


async def test_each_users_trainer_link_is_in_the_directory_and_in_the_user_events(clients: Clients) -> None:
    """Whom a trainer's schedule notices go to (the accounts linked to the trainer) is what every
    desktop is told: ``trainer_id`` (null: none) on each user of ``directory.query`` and of every
    ``user:*`` event, however the link or the account changed."""
    boss, vic = await clients.signed_in("boss"), await clients.signed_in("vic")
    trainer = (await boss.ok("trainer.create", {"name": "Maria Lopes"}))["trainer"]
    created = (await boss.ok("account.create", {"username": "ml", "name": "Mia", "role": "trainer",
                                                 "trainer_id": trainer["id"]}))["account"]
    mia = created["id"]
    assert (await vic.event_of("user:created"))["data"]["user"] == {
        "id": mia, "name": "Mia", "role": "trainer", "trainer_id": trainer["id"], "active": True}
    users = {u["id"]: u for u in (await vic.ok("directory.query"))["users"]}
    assert users[mia] == {"id": mia, "name": "Mia", "role": "trainer", "trainer_id": trainer["id"],
                          "active": True}
    assert all(u["trainer_id"] is None for uid, u in users.items() if uid != mia) and len(users) > 1

    await boss.ok("user.set_role", {"user_id": mia, "role": "viewer"})  # the role, not the link
    assert (await vic.event_of("user:updated"))["data"]["user"] == {
        "id": mia, "name": "Mia", "role": "viewer", "trainer_id": trainer["id"], "active": True}
    await boss.ok("account.update", {"user_id": mia, "changes": {"trainer_id": None}})
    assert (await vic.event_of("user:updated"))["data"]["user"]["trainer_id"] is None
    await boss.ok("trainer.update", {"id": trainer["id"], "changes": {"user_id": mia}})
    assert (await vic.event_of("user:updated"))["data"]["user"]["trainer_id"] == trainer["id"]
    users = {u["id"]: u for u in (await vic.ok("directory.query"))["users"]}
    assert users[mia]["trainer_id"] == trainer["id"]


@pytest.mark.parametrize("rtype", ADMIN_ONLY)
async def test_a_viewer_is_refused_each_administration_request(clients: Clients, rtype: str) -> None:
    viewer = await clients.signed_in("vic")
    error = await viewer.error(rtype, {})
    assert error["code"] == "forbidden", error


@pytest.mark.parametrize("rtype", ["availability.set", "timeoff.add", "timeoff.remove"])
async def test_a_viewer_is_refused_hours_and_time_off(clients: Clients, rtype: str) -> None:
    viewer = await clients.signed_in("vic")
    assert (await viewer.error(rtype, {}))["code"] == "forbidden"
