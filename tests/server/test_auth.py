"""Authentication: passwords, tokens, expiry, and nothing before it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from swan_desktop.protocol.timefmt import now_utc, parse_ts
from swan_desktop.server.auth import hash_token
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support.server import Clients


async def test_password_login_returns_token_user_epoch_and_seq(
    clients: Clients, server: EmbeddedServer
) -> None:
    client = await clients.open()
    data = await client.login("ana")
    assert data["user"]["name"] == "Ana" and data["user"]["role"] == "trainer"
    assert isinstance(data["token"], str) and len(data["token"]) >= 32
    assert parse_ts(data["expires_at"]) > now_utc() + timedelta(days=29)
    assert data["epoch"] == server.epoch
    assert isinstance(data["seq"], int)
    assert abs((parse_ts(data["server_time"]) - now_utc()).total_seconds()) < 60


async def test_token_from_a_login_authenticates_a_new_connection(clients: Clients) -> None:
    first = await clients.open()
    token = (await first.login("vic"))["token"]
    second = await clients.open()
    data = await second.ok("authenticate", {"token": token})
    assert data["user"]["role"] == "viewer"
    assert data["token"] == token


async def test_wrong_password_is_unauthorized_without_saying_which_part_was_wrong(clients: Clients) -> None:
    client = await clients.open()
    err = await client.error("authenticate", {"username": "ana", "password": "nope"})
    assert err["code"] == "unauthorized"
    assert err["message"] == "invalid username or password"
    unknown = await client.error("authenticate", {"username": "nobody", "password": "x"})
    assert unknown["message"] == err["message"]


async def test_expired_token_is_refused_and_says_it_expired(clients: Clients, server: EmbeddedServer) -> None:
    token = "expired-token-for-the-test"
    account = server.server.store.submit(Store.account_by_username, "ana")
    assert account is not None
    server.server.store.submit(
        Store.add_token, hash_token(token), account.id, now_utc() - timedelta(minutes=1)
    )
    client = await clients.open()
    err = await client.error("authenticate", {"token": token})
    assert err["code"] == "unauthorized"
    assert "expired" in err["message"]


async def test_unknown_token_is_unauthorized(clients: Clients) -> None:
    client = await clients.open()
    err = await client.error("authenticate", {"token": "made-up"})
    assert err["code"] == "unauthorized"


@pytest.mark.parametrize(
    "rtype", ["sync", "heartbeat", "directory.query", "schedule.query", "session.create", "session.delete"]
)
async def test_requests_before_authenticate_are_unauthorized(clients: Clients, rtype: str) -> None:
    client = await clients.open()
    err = await client.error(rtype, {})
    assert err["code"] == "unauthorized"
    assert (await client.login("ana"))["user"]["name"] == "Ana"  # still open and usable


async def test_authenticate_without_credentials_is_invalid(clients: Clients) -> None:
    client = await clients.open()
    err = await client.error("authenticate", {"username": "ana"})
    assert err["code"] == "invalid"


async def test_local_token_signs_in_the_passwordless_local_admin(
    clients: Clients, server: EmbeddedServer
) -> None:
    issued = server.issue_local_token()
    assert set(issued) == {"token", "expires_at", "user"}
    assert issued["user"]["role"] == "admin"
    client = await clients.open()
    data = await client.ok("authenticate", {"token": issued["token"]})
    assert data["user"] == issued["user"]
    err = await client.error("authenticate", {"username": "admin", "password": ""})
    assert err["code"] == "unauthorized"
