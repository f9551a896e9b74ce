"""Sign-in dialog: server, username, password and "remember me" (keyring only)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..settings import secrets


class LoginDialog(QDialog):
    """Collects credentials; the caller tries them and reports failure with ``show_error``."""

    submitted = Signal(dict)  # {"server", "username", "password", "remember"}
    #: "Connection settings…" was pressed, for the address typed (where unencrypted sign-in is allowed).
    connectionSettingsRequested = Signal(str)

    def __init__(self, server_url: str, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to Swan")
        self.setObjectName("loginDialog")
        self.server = QLineEdit(server_url)
        self.server.setAccessibleName("Server address")
        self.username = QLineEdit(username)
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.remember = QCheckBox("Remember me on this computer")
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet("color: #8a5a00;")
        if not secrets.keyring_available():
            self.remember.setEnabled(False)
            self.keyring_note.setText("This computer has no password keyring, so Swan cannot "
                                      "remember your sign-in. You will be asked each time.")
        elif secrets.keyring_locked():
            self.remember.setEnabled(False)
            self.keyring_note.setText("Your password keyring is locked, so Swan cannot remember your "
                                      "sign-in. Unlock it (for example in Passwords and Keys) and sign "
                                      "in again to be remembered.")
        else:
            self.keyring_note.hide()
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        self.settings_button = QPushButton("Connection settings…")
        self.settings_button.setAccessibleName("Connection settings")
        self.settings_button.clicked.connect(
            lambda: self.connectionSettingsRequested.emit(self.server.text().strip()))
        self.settings_button.hide()
        settings_row = QHBoxLayout()
        settings_row.addWidget(self.settings_button)
        settings_row.addStretch(1)

        form = QFormLayout()
        form.addRow("Server", self.server)
        form.addRow("Username", self.username)
        form.addRow("Password", self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Sign in")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.error)
        layout.addLayout(settings_row)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

    def values(self) -> dict[str, Any]:
        return {"server": self.server.text().strip(), "username": self.username.text().strip(),
                "password": self.password.text(), "remember": self.remember.isChecked()}

    def _submit(self) -> None:
        values = self.values()
        if not values["server"].startswith(("ws://", "wss://")):
            self.show_error("The server address starts with ws:// or wss://")
            return
        if not values["username"] or not values["password"]:
            self.show_error("Enter your username and password.")
            return
        self.set_busy(True)
        self.submitted.emit(values)

    def set_busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        if busy:
            self.error.hide()

    def show_error(self, message: str, *, settings: bool = False) -> None:
        """Say why the sign-in did not happen; ``settings``: offer "Connection settings…" too."""
        self.set_busy(False)
        self.error.setText(message)
        self.error.show()
        self.settings_button.setVisible(settings)
        self.adjustSize()  # a long reason shows whole
