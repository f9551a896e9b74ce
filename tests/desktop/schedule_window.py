"""A main window around a schedule pane over a small studio, with its desktop shell,
as ``qt/app.py`` builds it (without a server: the pane edits an in-memory stand-in)."""

from __future__ import annotations

from dataclasses import dataclass

from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import Status
from swan_desktop.qt.desktop_shell import DesktopShell
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.preferences import Preferences
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.qt.settings_pages.connection import Account
from swan_desktop.settings.config import Settings
from tests.qt.fake_actions import InMemoryActions
from tests.support.sample import DAY, make_directory, session


@dataclass
class ScheduleWindow:
    window: MainWindow
    pane: SchedulePane
    shell: DesktopShell

    def close_for_good(self) -> None:
        self.window.quit()
        self.pane.bridge.detach()


def studio_store() -> ScheduleStore:
    """One session of every status on ``DAY``, in trainer Ana's and Ben's columns."""
    store = ScheduleStore()
    store.directory = make_directory()
    store.load([session(i + 1, 1 + i % 2, 7 + i, status=status, client="" if status in (
        Status.BLOCKED, Status.AVAILABLE) else "Dana Whitfield") for i, status in enumerate(Status)])
    return store


def open_window(qtbot, *, tray: bool = False, show: bool = True,
                minimized: bool = False) -> ScheduleWindow:
    """A new window, shell and preferences on the (test's private) QSettings file."""
    store = studio_store()
    pane = SchedulePane(store, InMemoryActions(store))
    window = MainWindow(pane)
    qtbot.addWidget(window)
    shell = DesktopShell(window, pane, Preferences(), Settings(),
                         Account("Ana Kowalski", "ana", "ws://studio:8765/"), tray_available=tray)
    if show:
        shell.show(minimized=minimized)
        pane.set_date(DAY)
    return ScheduleWindow(window, pane, shell)
