"""The window paints before the panes beside the schedule are built: notifications,
collaboration, administration and the monitor are installed right after the first paint."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from swan_desktop.qt import app as app_module
from swan_desktop.qt.app import parse_args, run
from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.qt.main_window import MainWindow
from tests.support.poll import until
from tests.support.qt import APP_LOG_NOISE, shown
from tests.support.server import PASSWORDS
from tests.support.sign_in_dialog import submit

pytestmark = [pytest.mark.qt_log_ignore(APP_LOG_NOISE), pytest.mark.usefixtures("private_app_state")]


class CountingWindow(MainWindow):
    """The app's window, counting its paints."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paints = 0

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return super().event(event)


async def test_the_feature_panes_are_built_after_the_first_paint(server, monkeypatch) -> None:
    seen: list[tuple[bool, int]] = []
    real = app_module.install_features

    def recording(window: MainWindow, *args: Any, **kwargs: Any) -> Any:
        seen.append((window.isVisible(), getattr(window, "paints", -1)))
        return real(window, *args, **kwargs)

    monkeypatch.setattr(app_module, "install_features", recording)
    monkeypatch.setattr(app_module, "MainWindow", CountingWindow)
    task = asyncio.ensure_future(run(parse_args(["--server", server.url])))
    await submit(await shown(LoginDialog), "ana", PASSWORDS["ana"], remember=False)
    window = await shown(MainWindow)
    await until(lambda: bool(seen))
    visible, paints = seen[0]
    assert visible and paints >= 1  # shown and painted before any feature pane existed
    # and then the panes are added (install_features is a coroutine: it was called when `seen`
    # filled, and adds them one by one, letting the loop run in between)
    await until(lambda: window.tabs.count() > 1, what="the feature panes beside the schedule")
    assert window.tabs.tabText(0) == "Schedule"
    window.quit()
    assert await asyncio.wait_for(task, 10) == 0
    assert not any(isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets())
