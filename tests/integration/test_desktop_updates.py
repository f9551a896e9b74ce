"""Updates seen from the desktop: it says its version when it signs in; an available update is a
notice in the status bar, and a required one is said in the sign-in dialog (also when the sign-in
was remembered), never silently."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QLabel

from swan_desktop import __version__
from swan_desktop.core.outcomes import UpdateRequired, outcome_of
from swan_desktop.net.connection import CLIENT
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.qt.app import sign_in
from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.update_notice import show_available
from swan_desktop.server.updates import DesktopUpdates
from swan_desktop.settings import secrets
from swan_desktop.settings.config import Settings
from tests.support.poll import until
from tests.support.qt import shown
from tests.support.server import PASSWORDS
from tests.support.sign_in_dialog import submit

URL = "https://studio.example/swan-desktop-9.9.0-setup.exe"


async def test_the_desktop_says_its_version_and_shows_an_available_update(qtbot, server, sign_in) -> None:
    assert {"app": "swan-desktop", "version": __version__} == CLIENT
    server.server.updates = DesktopUpdates(latest="9.9.0", url=URL)
    ana = await sign_in("ana")
    assert ana.auth is not None and ana.auth.update == {"required": False, "latest": "9.9.0", "url": URL}
    window = MainWindow(QLabel("schedule"))
    qtbot.addWidget(window)
    label = show_available(window, ana.auth.update)
    assert label is not None and window.statusBar().findChild(QLabel, "updateNotice") is label
    assert label.toolTip() == f"Update available: Swan Desktop 9.9.0 (this is {__version__}): {URL}"
    assert f'<a href="{URL}">' in label.text()
    assert show_available(window, None) is None


async def test_a_required_update_is_said_in_the_sign_in_dialog(server) -> None:
    server.server.updates = DesktopUpdates(minimum="9.0.0", latest="9.9.0", url=URL)
    task = asyncio.ensure_future(sign_in(server.url, Settings()))
    dialog = await shown(LoginDialog)
    await submit(dialog, "ana", PASSWORDS["ana"], remember=False)
    await until(dialog.error.isVisible, 10)
    assert dialog.error.text().startswith("Update required") and URL in dialog.error.text()
    assert dialog.isVisible() and not task.done()
    dialog.reject()
    assert await asyncio.wait_for(task, 5) is None


async def test_a_remembered_sign_in_that_needs_an_update_opens_the_dialog_saying_so(server) -> None:
    settings = Settings()
    task = asyncio.ensure_future(sign_in(server.url, settings))
    await submit(await shown(LoginDialog), "ana", PASSWORDS["ana"], remember=True)
    client = await asyncio.wait_for(task, 10)
    assert client is not None and secrets.load_token(server.url, "ana")
    await client.close()

    server.server.updates = DesktopUpdates(minimum="9.0.0", url=URL)
    task = asyncio.ensure_future(sign_in(server.url, Settings.load()))
    dialog = await shown(LoginDialog)
    assert dialog.error.text().startswith("Update required") and not dialog.error.isHidden()
    dialog.reject()
    assert await asyncio.wait_for(task, 5) is None


def test_the_refusal_is_a_typed_outcome() -> None:
    error = ProtocolError.from_wire({"code": "forbidden", "message": "Update required: …", "data": {
        "reason": "update_required", "update": {"required": True, "minimum": "9.0.0", "latest": "9.9.0",
                                                "url": URL}}})
    assert outcome_of(error) == UpdateRequired("Update required: …", "9.9.0", URL)
