"""Desktop-integration fixtures: QSettings and XDG config in a temporary folder; the main window
of a desktop signed in to a real server holding a small studio (``open_window``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.desktops import desktops

from . import schedule_window
from .schedule_window import OpenWindow, ScheduleWindow


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp) -> Iterator[Path]:
    """XDG_CONFIG_HOME (autostart) and the QSettings INI folder, both private to the test."""
    from PySide6.QtCore import QSettings

    path = tmp_path / "config"
    path.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(path))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(path))
    yield path
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "unused"))


@pytest.fixture
def prefs(config_home: Path):
    from swan_desktop.qt.preferences import Preferences

    return Preferences()


@pytest.fixture
async def open_window(qtbot, empty_server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[OpenWindow]:
    """``await open_window()``: the app started again on this PC (a new sign-in, window, shell and
    preferences on the same QSettings file) against ``empty_server``, where the admin first set
    up the studio and booked ``DAY``'s sessions from another PC."""
    async with desktops(empty_server.url, tmp_path / "pcs") as sign_in:
        await schedule_window.put_sample_day(await sign_in("boss"))

        async def open_(*, tray: bool = False, show: bool = True, minimized: bool = False) -> ScheduleWindow:
            return await schedule_window.open_window(qtbot, await sign_in("boss"), tray=tray, show=show,
                                                     minimized=minimized)

        yield open_
