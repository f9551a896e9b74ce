"""A desktop that says its version still signs in to a server from before the ``client`` field:
that server refuses the field as unknown, and the desktop asks again without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from swan_desktop.net.connection import Connection
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.protocol.messages import Message, decode
from swan_desktop.server import requests
from tests.support.server import PASSWORDS, start_server


class OldPasswordAuth(Message):
    """``authenticate`` as servers before desktop versions decoded it (unknown fields refused)."""

    username: str
    password: str
    client: ClassVar[None] = None  # not a field: what today's handler reads of a message without it


class OldTokenAuth(Message):
    token: str
    client: ClassVar[None] = None


def old_auth_message(data: dict[str, Any]) -> Message:
    return decode(OldTokenAuth, data) if "token" in data else decode(OldPasswordAuth, data)


async def test_sign_in_to_a_server_that_does_not_know_the_client_field(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requests, "auth_message", old_auth_message)
    monkeypatch.setattr(requests, "PasswordAuth", OldPasswordAuth)
    monkeypatch.setattr(requests, "TokenAuth", OldTokenAuth)
    server = start_server(tmp_path / "old.sqlite3", demo=False)
    conn = Connection(server.url)
    try:
        await conn.open()
        with pytest.raises(ProtocolError, match="unknown field"):  # what the new field meets there
            await conn.request("authenticate", {"username": "ana", "password": PASSWORDS["ana"],
                                                "client": {"app": "swan-desktop", "version": "0.1.0"}})
        auth = await conn.authenticate({"username": "ana", "password": PASSWORDS["ana"]})
        assert auth.user.name == "Ana" and auth.update is None
    finally:
        await conn.close()
        server.stop()
