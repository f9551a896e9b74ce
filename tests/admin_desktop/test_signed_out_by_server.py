"""The whole desktop against a real server that closes a user's connections with
code 4003 (what deactivating the account does): the window closes, the sign-in
dialog says why, the remembered sign-in is forgotten, and nothing reconnects.

The close is made from the server's own loop, as account deactivation will make
it, so this runs before that request exists; ``test_admin_live.py`` deactivates
through ``account.update`` once the server's administration is in this tree.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from swan_desktop.net.connection import CLOSE_DEACTIVATED
from swan_desktop.qt.app import parse_args, run
from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.server.embedded import EmbeddedServer
from tests.server.support import PASSWORDS, start_server
from tests.support.qt import APP_LOG_NOISE, shown
from tests.support.sign_in_dialog import submit

pytestmark = [pytest.mark.qt_log_ignore(APP_LOG_NOISE), pytest.mark.usefixtures("private_app_state")]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(tmp_path / "studio.sqlite3")
    yield srv
    srv.stop()


_closing: set[asyncio.Future[None]] = set()


def close_connections_of(server: EmbeddedServer, username: str) -> int:
    """On the server's loop: close ``username``'s connections with 4003, as deactivation does."""
    def close() -> int:
        mine = [c for c in server.server.connections if c.account is not None
                and c.account.username == username]
        for conn in mine:
            task = asyncio.ensure_future(conn.ws.close(CLOSE_DEACTIVATED, "your account was deactivated"))
            _closing.add(task)
            task.add_done_callback(_closing.discard)
        return len(mine)
    return server.call(close)


async def main_window() -> MainWindow:
    while True:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                return widget
        await asyncio.sleep(0.01)


async def test_a_deactivated_user_is_signed_out_to_the_sign_in_dialog_with_the_reason(
        server: EmbeddedServer, memory_keyring) -> None:
    task = asyncio.ensure_future(run(parse_args(["--server", server.url])))
    await submit(await shown(LoginDialog), "vic", PASSWORDS["vic"], remember=True)
    window = await asyncio.wait_for(main_window(), 10)
    assert ("swan-desktop", f"vic@{server.url}") in memory_keyring.store

    assert close_connections_of(server, "vic") == 1
    again = await shown(LoginDialog, 10)
    assert again.error.isVisible()
    assert again.error.text().startswith("You were signed out: your account was deactivated.")
    assert again.username.text() == "vic" and again.password.text() == ""
    assert not window.isVisible()
    assert ("swan-desktop", f"vic@{server.url}") not in memory_keyring.store
    assert server.call(lambda: [c for c in server.server.connections if c.account is not None
                                and c.account.username == "vic"]) == []  # it did not come back
    again.reject()
    assert await asyncio.wait_for(task, 10) == 0
