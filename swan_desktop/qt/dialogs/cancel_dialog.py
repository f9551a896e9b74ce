"""Cancelling a session in the desk's words: why, what happens to the credit, who hears of it.

No button here is called "Cancel": the choice is "Keep session" or "Cancel
session". Opened with ``open()``; ``confirmed(reason)`` carries the reason to send.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.cancellation import REASONS, credit_outlook, notified, notified_text
from ...core.directory import Directory
from ...protocol.entities import Session
from ..session_text import client_label, local, short_date, time_range
from ..style import ERROR_TEXT


class CancelSessionDialog(QDialog):
    """Signals: ``confirmed(str)`` with the reason ("Client is ill: flu")."""

    confirmed = Signal(str)

    def __init__(self, session: Session, directory: Directory, *, window_h: float, me: int | None,
                 now: datetime | None = None, may_override: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cancel session")
        self.setAccessibleName("Cancel session")
        self.setMinimumWidth(460)
        zone = directory.zone
        summary = QLabel(f"<b>{client_label(session, directory)}</b> with "
                         f"{directory.trainer_name(session.trainer_id)}<br>"
                         f"{short_date(local(session.start, zone).date())}, {time_range(session, zone)}")
        self.reason_combo = QComboBox()
        self.reason_combo.addItem("Choose a reason…", "")
        for reason in REASONS:
            self.reason_combo.addItem(reason, reason)
        self.reason_combo.setAccessibleName("Reason")
        self.detail_edit = QLineEdit()
        self.detail_edit.setPlaceholderText("More detail (optional; needed for Other)")
        self.detail_edit.setAccessibleName("More detail")
        self.error_label = QLabel()
        self.error_label.setStyleSheet(f"color: {ERROR_TEXT};")
        self.error_label.setVisible(False)
        self.outlook = credit_outlook(session, directory, window_h, now or datetime.now(UTC))
        self.credit_label = QLabel(self.outlook.text)
        self.credit_label.setWordWrap(True)
        self.credit_label.setAccessibleName("Credit")
        #: Admins: give the credit back although the window keeps it.
        self.restore_box = QCheckBox("Give the credit back anyway")
        self.restore_box.setToolTip("Admins only: the client gets the credit back despite the late "
                                    "cancellation")
        self.restore_box.setVisible(may_override and self.outlook.kept_by_window)
        self.restore_box.toggled.connect(self._restore_toggled)
        self.notified = notified(session, directory, me)
        self.notify_label = QLabel(notified_text(self.notified))
        self.notify_label.setWordWrap(True)
        self.notify_label.setAccessibleName("Who is notified")

        form = QFormLayout()
        form.addRow("Reason", self.reason_combo)
        form.addRow("", self.detail_edit)
        form.addRow("", self.error_label)
        form.addRow("Credit", self.credit_label)
        form.addRow("", self.restore_box)
        form.addRow("Notified", self.notify_label)

        self.buttons = QDialogButtonBox()
        self.keep_button = self.buttons.addButton("Keep session", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button = self.buttons.addButton("Cancel session", QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button.setDefault(True)
        self.keep_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.confirm)

        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.reason_combo.currentIndexChanged.connect(lambda _i: self.error_label.setVisible(False))

    def restore_credit(self) -> bool:
        return self.restore_box.isVisible() and self.restore_box.isChecked()

    def _restore_toggled(self, on: bool) -> None:
        first = self.outlook.text.split("'", 1)[0]
        self.credit_label.setText(f"{first}'s credit comes back: you give it back although the "
                                  "cancellation is late." if on else self.outlook.text)

    def reason(self) -> str:
        picked = str(self.reason_combo.currentData() or "")
        detail = self.detail_edit.text().strip()
        if picked == "Other" or not picked:
            return detail
        return f"{picked}: {detail}" if detail else picked

    def confirm(self) -> None:
        reason = self.reason()
        if not reason:
            self.error_label.setText("Choose a reason, or say it in your own words.")
            self.error_label.setVisible(True)
            return
        self.confirmed.emit(reason)
        self.accept()
