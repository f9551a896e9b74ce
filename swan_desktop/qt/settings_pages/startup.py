"""Start-up page: start at login (XDG autostart / Windows Run key) and start minimised."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QWidget

from ...settings import autostart
from ..preferences import Preferences
from .form import Page, error, hint

AT_LOGIN, MINIMIZED = "startup/at_login", "startup/minimized"


class StartupPage(Page):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__("Start-up", parent)
        self.prefs = prefs
        self.at_login = QCheckBox("Start Swan Desktop when I log in")
        self.at_login.setAccessibleName("Start at login")
        self.at_login.setChecked(autostart.is_enabled())
        self.minimized = QCheckBox("Start minimised (in the tray when there is one)")
        self.minimized.setAccessibleName("Start minimised")
        self.minimized.setChecked(prefs.get(MINIMIZED))
        self.problem = error()
        self.form.addRow(self.at_login)
        self.form.addRow(self.minimized)
        self.form.addRow(self.problem)
        self.form.addRow(hint("On Windows the installer can set this too; both change the same entry."))
        self.finish()
        self.at_login.toggled.connect(lambda on: self._set(AT_LOGIN, on))
        self.minimized.toggled.connect(lambda on: self._set(MINIMIZED, on))

    def _set(self, name: str, on: bool) -> None:
        try:
            self.prefs.set(name, on)
        except OSError as exc:
            self.problem.setText(f"Could not change start at login: {exc}")
            self.problem.setVisible(True)
            return
        self.problem.setVisible(False)
