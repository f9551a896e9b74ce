"""Signing in to a studio server from the desktop: the dialog, wrong passwords,
"remember me" through the OS keyring, and a keyring-less machine."""

from __future__ import annotations

import asyncio

import keyring
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtWidgets import QApplication

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.app import sign_in
from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.settings.config import Settings
from tests.support.poll import until
from tests.support.qt import shown
from tests.support.server import PASSWORDS
from tests.support.sign_in_dialog import submit


async def test_remember_me_keeps_the_token_in_the_keyring_and_skips_the_dialog_next_time(
        server, memory_keyring) -> None:
    task = asyncio.ensure_future(sign_in(server.url, Settings()))
    dialog = await shown(LoginDialog)
    await submit(dialog, "ana", PASSWORDS["ana"], remember=True)
    client: StudioClient | None = await asyncio.wait_for(task, 10)
    assert client is not None and client.user is not None and client.user.name == "Ana"
    await client.close()
    stored = memory_keyring.store[("swan-desktop", f"ana@{server.url}")]
    assert stored == client.auth.token if client.auth else False
    assert PASSWORDS["ana"] not in str(memory_keyring.store)  # the password itself is never kept

    settings = Settings.load()
    assert (settings.server_url, settings.last_username) == (server.url, "ana")
    again = await asyncio.wait_for(sign_in(server.url, settings), 10)
    assert again is not None and again.user is not None and again.user.name == "Ana"
    assert not any(isinstance(w, LoginDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    await again.close()


async def test_wrong_password_is_said_in_the_dialog_which_stays_open(server) -> None:
    task = asyncio.ensure_future(sign_in(server.url, Settings()))
    dialog = await shown(LoginDialog)
    await submit(dialog, "ana", "not-her-password", remember=False)

    await until(dialog.error.isVisible, what="the sign-in error to be shown")
    assert "invalid username or password" in dialog.error.text()
    assert dialog.isVisible() and not task.done()
    dialog.reject()
    assert await asyncio.wait_for(task, 5) is None


async def test_without_a_keyring_the_dialog_says_sign_in_cannot_be_remembered(server) -> None:
    keyring.set_keyring(FailKeyring())
    task = asyncio.ensure_future(sign_in(server.url, Settings()))
    dialog = await shown(LoginDialog)
    assert not dialog.remember.isEnabled()
    assert "cannot remember" in dialog.keyring_note.text()
    await submit(dialog, "ana", PASSWORDS["ana"], remember=True)
    client = await asyncio.wait_for(task, 10)
    assert client is not None
    await client.close()
