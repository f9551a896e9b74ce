"""The app against a real studio server: signing out in Settings closes the
window, forgets the remembered sign-in and asks to sign in again; a
``--minimized`` start without a tray shows the window minimised."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtWidgets import QApplication

from swan_desktop.qt.app import parse_args, run
from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.settings_dialog import SettingsDialog
from tests.support.qt import APP_LOG_NOISE, shown
from tests.support.server import PASSWORDS
from tests.support.sign_in_dialog import submit

#: The offscreen platform lacks window calls; this machine has no sound server or video
#: acceleration, which the notification sounds' multimedia back end reports on loading
#: (now during the test: the notification panes are built after the window's first paint).
pytestmark = [pytest.mark.qt_log_ignore(APP_LOG_NOISE), pytest.mark.usefixtures("private_app_state")]


async def test_sign_out_closes_the_window_and_asks_to_sign_in_again(server, memory_keyring) -> None:
    task = asyncio.ensure_future(run(parse_args(["--server", server.url])))
    await submit(await shown(LoginDialog), "ana", PASSWORDS["ana"], remember=True)
    window = await shown(MainWindow)
    assert window.user_label.text().startswith("Ana")
    assert ("swan-desktop", f"ana@{server.url}") in memory_keyring.store

    window.settingsRequested.emit()  # File ▸ Settings… (Ctrl+,)
    settings = await shown(SettingsDialog)
    settings.connection_page.sign_out_button.click()

    again = await shown(LoginDialog)  # the sign-in dialog, not a remembered sign-in
    assert again.username.text() == "ana" and again.password.text() == ""
    assert not window.isVisible()
    assert ("swan-desktop", f"ana@{server.url}") not in memory_keyring.store
    again.reject()  # the user walks away: the app ends normally
    assert await asyncio.wait_for(task, 10) == 0
    assert not any(isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets())


async def test_minimized_start_without_a_tray_shows_the_window_minimised(server) -> None:
    task = asyncio.ensure_future(run(parse_args(["--server", server.url, "--minimized"])))
    await submit(await shown(LoginDialog), "ana", PASSWORDS["ana"], remember=False)
    window = await shown(MainWindow)  # offscreen has no tray: minimised, not hidden
    assert window.isMinimized()
    window.quit()
    assert await asyncio.wait_for(task, 10) == 0
