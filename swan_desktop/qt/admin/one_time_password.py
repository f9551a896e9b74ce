"""Shows a new account's (or a reset's) one-time password — once, with Copy.

The password lives only in this dialog: it is not logged, not kept, and gone
when the dialog closes. The person signs in with it and chooses their own
under File ▸ Change my password.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class OneTimePasswordDialog(QDialog):
    def __init__(self, who: str, username: str, password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("One-time password")
        self.setAccessibleName("One-time password")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        intro = QLabel(f"<b>{who}</b> signs in as <b>{username}</b> with this password. "
                       "It is shown only now: copy it or write it down and hand it over in person. "
                       "They choose their own under File ▸ Change my password.")
        intro.setWordWrap(True)
        self.password = QLineEdit(password)
        self.password.setReadOnly(True)
        self.password.setAccessibleName("Password")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSize(mono.pointSize() + 2)
        self.password.setFont(mono)
        self.copy = QPushButton("Copy")
        self.copy.setAccessibleName("Copy the password")
        self.copy.clicked.connect(self._copy)
        self.copied = QLabel("")
        self.copied.setProperty("role", "hint")
        row = QHBoxLayout()
        row.addWidget(self.password, 1)
        row.addWidget(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self.resize(480, 180)

    def _copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.password.text())
        self.copied.setText("Copied to the clipboard.")
