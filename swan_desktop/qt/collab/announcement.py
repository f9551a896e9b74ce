"""The admins' "Announcement…" dialog: a studio chat announcement and/or a notification.

The chat announcement goes to the studio-wide room (``chat.send`` with kind
``announcement``); the notification (``notification.announce``) to everyone
or to one role, at a chosen priority. Refusals are shown in the dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.collab.chat import STUDIO
from ...core.collab.client import CollabClient
from ...net.connection import ConnectionLost, RequestTimeout
from ...protocol.entities import Role
from ...protocol.errors import ProtocolError
from ..style import ERROR_TEXT
from ..tasks import spawn

AUDIENCES: tuple[tuple[str, Role | None], ...] = (
    ("Everyone", None), ("Admins", Role.ADMIN), ("Trainers", Role.TRAINER), ("Viewers", Role.VIEWER))
PRIORITIES = (("Normal", "normal"), ("Low", "low"), ("High (asks to acknowledge)", "high"),
              ("Critical", "critical"))


def chat_text(title: str, message: str) -> str:
    """The announcement as one chat line: ``Closed Monday — Holiday``."""
    return f"{title} — {message}" if title and message else (title or message)


class AnnouncementDialog(QDialog):
    #: What was sent, in words (after a success; the dialog then closes).
    sent = Signal(str)

    def __init__(self, collab: CollabClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Announcement")
        self.setAccessibleName("Announcement")
        self.collab = collab
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setPlaceholderText("Closed on Monday")
        self.title_edit.setMaxLength(200)
        self.message_edit = QPlainTextEdit()
        self.message_edit.setAccessibleName("Message")
        self.message_edit.setPlaceholderText("What everyone should know")
        self.message_edit.setFixedHeight(90)
        self.in_chat = QCheckBox("Post it in the studio-wide chat")
        self.in_chat.setChecked(True)
        self.as_notice = QCheckBox("Also send it as a notification")
        self.audience = QComboBox()
        self.audience.setAccessibleName("Send the notification to")
        for label, role in AUDIENCES:
            self.audience.addItem(label, role.value if role else "")
        self.priority = QComboBox()
        self.priority.setAccessibleName("Priority")
        for label, value in PRIORITIES:
            self.priority.addItem(label, value)
        self.as_notice.toggled.connect(self._update)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_TEXT};")
        self.error.setAccessibleName("Error")
        self.error.setVisible(False)

        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Message", self.message_edit)
        form.addRow(self.in_chat)
        form.addRow(self.as_notice)
        form.addRow("Send to", self.audience)
        form.addRow("Priority", self.priority)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button: QPushButton = buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setDefault(True)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, 0)
        self._update()

    def _update(self) -> None:
        self.audience.setEnabled(self.as_notice.isChecked())
        self.priority.setEnabled(self.as_notice.isChecked())

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def submit(self) -> None:
        title, message = self.title_edit.text().strip(), self.message_edit.toPlainText().strip()
        if not title and not message:
            self.show_error("Write a title or a message first.")
            return
        if not (self.in_chat.isChecked() or self.as_notice.isChecked()):
            self.show_error("Choose the chat, a notification or both.")
            return
        if self.as_notice.isChecked() and not title:
            self.show_error("A notification needs a title.")
            return
        self.send_button.setEnabled(False)
        spawn(self._send(title, message))

    async def _send(self, title: str, message: str) -> None:
        done: list[str] = []
        try:
            if self.in_chat.isChecked():
                await self.collab.send(STUDIO, chat_text(title, message), announcement=True)
                self.in_chat.setChecked(False)  # sent: a retry after a refusal below does not repeat it
                done.append("in the studio chat")
            if self.as_notice.isChecked():
                role = str(self.audience.currentData() or "")
                await self.collab.announce(title, message, priority=str(self.priority.currentData()),
                                           role=Role(role) if role else None)
                done.append(f"as a notification to {self.audience.currentText().lower()}")
        except ProtocolError as exc:
            self.show_error(self._partly(done) + f"Not sent: {exc.message}")
            return
        except (ConnectionLost, RequestTimeout):
            self.show_error(self._partly(done) + "Not sent: not connected to the studio server.")
            return
        finally:
            self.send_button.setEnabled(True)
        self.show_error("")
        self.title_edit.clear()
        self.message_edit.clear()
        self.in_chat.setChecked(True)
        self.sent.emit(f"Announcement sent {' and '.join(done)}.")
        self.accept()

    @staticmethod
    def _partly(done: list[str]) -> str:
        return f"Sent {' and '.join(done)}. " if done else ""
