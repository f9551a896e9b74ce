"""What makes the main window a desktop citizen: the tray, the settings dialog,
themes and start-up options applied live, window geometry and the chosen view
restored, and later starts of the app handed to this one.

``qt/app.py`` builds one :class:`DesktopShell` per signed-in window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QWidget

from ..settings.config import Settings
from . import live_settings
from .preferences import Preferences
from .resources import app_icon
from .settings_dialog import SettingsDialog
from .settings_pages.connection import Account
from .single_instance import InstanceServer
from .tray import Tray

log = logging.getLogger(__name__)

GEOMETRY, VIEW = "window/geometry", "window/view"


class DesktopShell(QObject):
    signOutRequested = Signal()

    def __init__(self, window: QMainWindow, pane: QWidget, prefs: Preferences, config: Settings,
                 account: Account, instance: InstanceServer | None = None,
                 tray_available: bool | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.pane = pane
        self.prefs = prefs
        self.config = config
        self.account = account
        self.dialog: SettingsDialog | None = None
        #: Feature pages for the settings dialog (title, factory), built when the dialog is first opened.
        self.extra_pages: list[tuple[str, Callable[[], QWidget]]] = []
        live_settings.connect(prefs)
        window.setWindowIcon(app_icon())
        self.tray = Tray(window, app_icon(), prefs, available=tray_available)
        self.tray.quitRequested.connect(window.quit)  # type: ignore[attr-defined]
        window.settingsRequested.connect(self.open_settings)  # type: ignore[attr-defined]
        window.hiddenToTray.connect(self.remember)  # type: ignore[attr-defined]
        window.closed.connect(self.remember)  # type: ignore[attr-defined]
        if instance is not None:
            instance.argumentsReceived.connect(self.on_arguments)

    # -- start and stop ---------------------------------------------------------
    def restore(self) -> None:
        """Geometry and the chosen view as they were when the window last closed."""
        geometry = self.prefs.blob(GEOMETRY)
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        set_view = getattr(self.pane, "set_view", None)
        if set_view is not None:
            try:
                set_view(self.prefs.get(VIEW))
            except ValueError:
                log.info("the remembered view %r no longer exists", self.prefs.get(VIEW))

    def remember(self) -> None:
        self.prefs.set_blob(GEOMETRY, self.window.saveGeometry())
        view = getattr(self.pane, "current_view", None)
        if isinstance(view, str):
            self.prefs.set(VIEW, view)

    def show(self, minimized: bool = False) -> None:
        """Show the window — or, minimised, only the tray icon (a minimised window without one)."""
        self.restore()
        self.tray.show()
        if not minimized:
            self.window.show()
        elif not self.tray.available:
            self.window.showMinimized()

    # -- a later start of the app -------------------------------------------------
    def on_arguments(self, argv: Sequence[str]) -> None:
        log.info("a second start handed over %s", list(argv))
        if "--minimized" not in argv:
            self.tray.show_window()
        if "--server" in argv:
            self.window.statusBar().showMessage(
                "Swan Desktop is already running; change the server in Settings.", 10_000)

    # -- settings -------------------------------------------------------------------
    def open_settings(self) -> SettingsDialog:
        if self.dialog is None:
            self.dialog = SettingsDialog(self.prefs, self.config, self.account, self.window)
            self.dialog.connection_page.signOutRequested.connect(self._sign_out)
            for title, make in self.extra_pages:
                self.dialog.add_page(title, make())
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def _sign_out(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.signOutRequested.emit()
