"""A main window around a schedule pane, with its desktop shell and schedule controller, as
``qt/app.py`` builds it, for a signed-in desktop of a real server holding a small studio:
one session of every status on ``DAY``, in trainer Ana's and Ben's columns."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Session, Status
from swan_desktop.qt.controller import ScheduleController
from swan_desktop.qt.desktop_shell import DesktopShell
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.preferences import Preferences
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.qt.settings_pages.connection import Account
from swan_desktop.settings.config import Settings
from tests.support.poll import until
from tests.support.sample import DAY, at, make_directory, session
from tests.support.sample_studio import book, put_studio


def day_sessions() -> list[Session]:
    """One session of every status on ``DAY``, in trainer Ana's and Ben's columns."""
    return [session(i + 1, 1 + i % 2, 7 + i, status=status, client="" if status in (
        Status.BLOCKED, Status.AVAILABLE) else "Dana Whitfield") for i, status in enumerate(Status)]


async def put_sample_day(admin: StudioClient) -> None:
    """The studio and ``DAY``'s sessions, set up and booked through ``admin``'s requests."""
    ids = await put_studio(admin, make_directory())
    await book(admin, ids, day_sessions())


def on_day(client: StudioClient) -> list[Session]:
    return client.store.between(at(DAY, 0), at(DAY, 0) + timedelta(days=1))


@dataclass
class ScheduleWindow:
    window: MainWindow
    pane: SchedulePane
    shell: DesktopShell
    controller: ScheduleController

    def close_for_good(self) -> None:
        self.window.quit()
        self.controller.stop()
        self.pane.bridge.detach()


class OpenWindow(Protocol):
    def __call__(self, *, tray: bool = False, show: bool = True,
                 minimized: bool = False) -> Awaitable[ScheduleWindow]: ...


async def open_window(qtbot, client: StudioClient, *, tray: bool = False, show: bool = True,
                      minimized: bool = False) -> ScheduleWindow:
    """A new window, shell and preferences (on the test's private QSettings file) for ``client``;
    shown on ``DAY`` with its sessions loaded from the server, unless ``show`` is False."""
    pane = SchedulePane(client.store, client)
    window = MainWindow(pane)
    qtbot.addWidget(window)
    controller = ScheduleController(client, window, pane)
    user = client.user
    assert user is not None
    shell = DesktopShell(window, pane, Preferences(), Settings(),
                         Account(user.name, "boss", client.url), tray_available=tray)
    controller.linkStateChanged.connect(shell.tray.set_link_state)
    controller.start()
    if show:
        shell.show(minimized=minimized)
        pane.set_date(DAY)  # the controller loads the day from the server
        await until(lambda: len(on_day(client)) == len(Status) and not pane.bridge.dirty,
                    what="DAY's sessions loaded and shown")
    return ScheduleWindow(window, pane, shell, controller)
