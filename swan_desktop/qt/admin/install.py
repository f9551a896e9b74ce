"""Puts studio administration into the main window, by role.

Admins get the Administration tab (and the set-up assistant when the server
says the studio still needs setting up); trainers get "My hours"; everyone
gets File ▸ Change my password…. What happens is told in the status bar.
"""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from ...core.client import StudioClient
from ...core.outcomes import FAILURES, outcome_of
from ...protocol.entities import Role
from ..main_window import MainWindow
from ..tasks import spawn
from .my_hours_page import MyHoursPage
from .pane import AdministrationPane
from .password_dialog import ChangePasswordDialog
from .setup_wizard import SetupWizard

log = logging.getLogger(__name__)
TOLD_FOR_MS = 8000


class AdminArea(QObject):
    def __init__(self, window: MainWindow, client: StudioClient) -> None:
        super().__init__(window)
        self.window = window
        self.client = client
        self.admin = client.admin
        self.pane: AdministrationPane | None = None
        self.my_hours: MyHoursPage | None = None
        self.wizard: SetupWizard | None = None
        self.password_dialog: ChangePasswordDialog | None = None
        user = client.user
        role = user.role if user is not None else Role.VIEWER
        if role is Role.ADMIN:
            self.pane = AdministrationPane(self.admin)
            self.pane.told.connect(self.tell)
            self.pane.assistantRequested.connect(self.open_assistant)
            window.add_pane(self.pane, "Administration")
        elif role is Role.TRAINER and user is not None:
            self.my_hours = MyHoursPage(self.admin, user.id)
            self.my_hours.told.connect(self.tell)
            window.add_pane(self.my_hours, "My hours")
        self.password_action = QAction("Change my &password…", window)
        self.password_action.triggered.connect(self.change_password)
        actions = window.file_menu.actions()
        if actions:
            window.file_menu.insertAction(actions[0], self.password_action)
        else:
            window.file_menu.addAction(self.password_action)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._refresh)
        client.store.add_listener(self._timer.start)

    def start(self) -> None:
        """Load what admins see and open the assistant if the studio still needs setting up."""
        if self.pane is not None:
            self.pane.load()
            spawn(self.check_setup())

    def stop(self) -> None:
        self._timer.stop()
        with contextlib.suppress(ValueError):
            self.client.store.remove_listener(self._timer.start)
        if self.pane is not None:
            self.pane.stop()

    def _refresh(self) -> None:
        if self.my_hours is not None:
            self.my_hours.refresh()

    def tell(self, text: str, error: bool = False) -> None:
        self.window.statusBar().showMessage(text, TOLD_FOR_MS * (2 if error else 1))

    async def check_setup(self) -> None:
        try:
            state = await self.admin.setup_state()
        except FAILURES as exc:  # an older server without studio set-up
            log.info("studio set-up not checked: %s", outcome_of(exc).message)
            return
        if state.needed:
            self.open_assistant()

    def open_assistant(self) -> SetupWizard:
        if self.wizard is not None:
            self.wizard.raise_()
            return self.wizard
        wizard = self.wizard = SetupWizard(self.admin, self.window)
        wizard.completed.connect(lambda: self.tell("The studio is set up. Welcome to Swan!"))
        wizard.finished.connect(lambda _r: self._assistant_closed(wizard))
        wizard.open()
        return wizard

    def _assistant_closed(self, wizard: QWidget) -> None:
        if self.wizard is wizard:
            self.wizard = None
        wizard.deleteLater()
        if self.pane is not None:
            self.pane.refresh()

    def change_password(self) -> ChangePasswordDialog:
        dialog = self.password_dialog = ChangePasswordDialog(self.admin, self.window)
        dialog.saved.connect(lambda _r: self.tell("Your password was changed."))
        dialog.finished.connect(lambda _r: setattr(self, "password_dialog", None))
        dialog.open()
        return dialog


def install(window: MainWindow, client: StudioClient) -> AdminArea:
    area = AdminArea(window, client)
    area.start()
    return area
