"""File ▸ Change my password…: the current password, a new one of at least 12
characters, typed twice. The server checks the current one."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from ...core.admin import AdminClient
from .form_dialog import FormDialog

MIN_LENGTH = 12


class ChangePasswordDialog(FormDialog):
    def __init__(self, admin: AdminClient, parent: QWidget | None = None) -> None:
        super().__init__("Change my password", parent, "Change password")
        self.admin = admin
        self.current = self._secret("Current password")
        self.new = self._secret("New password")
        self.repeat = self._secret("New password again")
        self.row("Current password:", self.current, "current")
        self.row("New password:", self.new, "new")
        self.row("Again:", self.repeat, "repeat")
        note = QLabel(f"At least {MIN_LENGTH} characters. A few unrelated words make a strong one.")
        note.setWordWrap(True)
        note.setProperty("role", "hint")
        self.form.addRow(note)
        self.resize(420, 0)

    @staticmethod
    def _secret(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setAccessibleName(name)
        return edit

    def submit(self) -> Any:
        if not self.current.text():
            self.errors.say("Type your current password.", "current")
            return None
        if len(self.new.text()) < MIN_LENGTH:
            self.errors.say(f"The new password needs at least {MIN_LENGTH} characters.", "new")
            return None
        if self.new.text() != self.repeat.text():
            self.errors.say("The two new passwords are not the same.", "repeat")
            return None
        return self.admin.set_own_password(self.current.text(), self.new.text())
