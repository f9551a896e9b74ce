"""No password or saved sign-in over plain ws:// to another computer unless the user allowed that host
in Settings → Connection: an eavesdropper on the studio's Wi-Fi would read it. The servers here listen
on a non-loopback address of this machine (a real other-host address as far as the desktop can tell);
without one the dialog tests are skipped and the decision function's test still runs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from swan_desktop.net.cleartext import refused_host
from swan_desktop.qt.app import sign_in
from swan_desktop.qt.connection_settings_dialog import ConnectionSettingsDialog
from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.settings.config import Settings
from tests.server.support import WsClient
from tests.support.lan import LAN, needs_lan
from tests.support.memory_keyring import MemoryKeyring
from tests.support.poll import until
from tests.support.qt import shown
from tests.support.server import FAST_HASHER, PASSWORDS, add_users
from tests.support.sign_in_dialog import submit

from .desktop_support import sign_in_attempts


@pytest.fixture
def lan_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    assert LAN is not None
    server = EmbeddedServer(tmp_path / "lan.sqlite3", demo=True, host=LAN, hasher=FAST_HASHER)
    server.start()
    add_users(server)
    yield server
    server.stop()


def test_only_plain_ws_to_another_computer_needs_the_users_consent() -> None:
    assert refused_host("ws://192.0.2.7:8765/", []) == "192.0.2.7"
    assert refused_host("ws://Studio-PC:8765/", []) == "studio-pc"
    assert refused_host("ws://studio-pc:8765/", ["studio-pc"]) == ""
    assert refused_host("wss://192.0.2.7:8765/", []) == ""
    for here in ("ws://127.0.0.1:8765/", "ws://127.0.0.2/", "ws://localhost:8765/", "ws://[::1]:8765/"):
        assert refused_host(here, []) == ""
    # a studio group's list: one plain address of another computer is enough to refuse
    assert refused_host("wss://a:1/,ws://b:2/", []) == "b"


@needs_lan
async def test_a_password_is_not_sent_in_clear_to_another_computer_until_allowed_in_settings(
        lan_server: EmbeddedServer) -> None:
    url = lan_server.url
    assert url.startswith(f"ws://{LAN}:")
    settings = Settings()
    task = asyncio.ensure_future(sign_in(url, settings))
    dialog = await shown(LoginDialog)
    await submit(dialog, "ana", PASSWORDS["ana"], remember=False)

    await until(dialog.error.isVisible, what="the sign-in to be refused")
    text = dialog.error.text()
    assert "not encrypted" in text and "Settings → Connection" in text
    assert f"Allow signing in without encryption to {LAN}" in text
    assert sign_in_attempts(lan_server) == 0  # not a frame was sent
    assert dialog.settings_button.isVisible()

    dialog.settings_button.click()
    page = (await shown(ConnectionSettingsDialog)).page
    assert page.trust.plain.isVisible()
    assert page.trust.plain.text() == f"Allow signing in without encryption to {LAN}"
    page.trust.plain.setChecked(True)
    page.window().close()
    assert Settings.load().plain_hosts == [LAN]

    await submit(dialog, "ana", PASSWORDS["ana"], remember=False)
    client = await asyncio.wait_for(task, 10)
    assert client is not None and client.user is not None and client.user.name == "Ana"
    await client.close()


@needs_lan
async def test_a_saved_sign_in_is_not_sent_in_clear_to_another_computer_either(
        lan_server: EmbeddedServer, memory_keyring: MemoryKeyring) -> None:
    url = lan_server.url
    async with connect(url) as ws:
        token = (await WsClient(ws).login("ana"))["token"]
    before = sign_in_attempts(lan_server)
    memory_keyring.store[("swan-desktop", f"ana@{url}")] = token
    settings = Settings(server_url=url, last_username="ana")

    task = asyncio.ensure_future(sign_in(url, settings))
    dialog = await shown(LoginDialog)  # asked instead of sending the token
    assert "not encrypted" in dialog.error.text() and dialog.settings_button.isVisible()
    assert sign_in_attempts(lan_server) == before
    dialog.reject()
    assert await asyncio.wait_for(task, 5) is None
