"""Changes the server refused after they were queued: retry, edit or discard each.

Nothing the user did disappears silently: a refused change stays listed here
(and in the outbox) until the user decides.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.client import FailedChange, StudioClient


class FailedChangesDialog(QDialog):
    changed = Signal()

    def __init__(self, client: StudioClient, pane: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Changes not saved")
        self.setObjectName("failedChangesDialog")
        self.resize(560, 320)
        self.client = client
        self.pane = pane
        intro = QLabel("The server refused these changes after they were queued. Retry sends "
                       "yours again on top of the current version; Edit opens the session with "
                       "your values; Discard keeps the server's version.")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Refused changes")
        self.retry_button = QPushButton("Retry")
        self.edit_button = QPushButton("Edit…")
        self.discard_button = QPushButton("Discard")
        self.retry_button.clicked.connect(self.retry_selected)
        self.edit_button.clicked.connect(self.edit_selected)
        self.discard_button.clicked.connect(self.discard_selected)
        buttons = QHBoxLayout()
        for b in (self.retry_button, self.edit_button, self.discard_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.list.currentRowChanged.connect(self._update_buttons)

    def reload(self) -> None:
        self.list.clear()
        for change in self.client.failed_changes():
            item = QListWidgetItem(change.summary)
            item.setData(Qt.ItemDataRole.UserRole, change)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update_buttons()

    def selected(self) -> FailedChange | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_buttons(self) -> None:
        change = self.selected()
        for b in (self.retry_button, self.discard_button):
            b.setEnabled(change is not None)
        self.edit_button.setEnabled(change is not None and change.kind != "session.delete")

    def retry_selected(self) -> None:
        change = self.selected()
        if change is not None:
            self.client.retry_failed(change.request_id)
            self._done()

    def discard_selected(self) -> None:
        change = self.selected()
        if change is not None:
            self.client.discard_failed(change.request_id)
            self._done()

    def edit_selected(self) -> None:
        """Open the editor with the refused values over the current session."""
        change = self.selected()
        if change is None:
            return
        self.client.discard_failed(change.request_id)
        if change.kind == "session.update" and change.session_id is not None:
            current = self.client.store.get(change.session_id)
            dialog = self.pane.open_editor(change.session_id)  # type: ignore[attr-defined]
            if dialog is not None and current is not None:
                dialog.form.load_wire({**current.to_wire(), **change.data.get("changes", {})})
        elif change.kind == "session.create":
            dialog = self.pane.open_new()  # type: ignore[attr-defined]
            if dialog is not None:
                dialog.form.load_wire({k: v for k, v in change.data.items() if k != "allow_overlap"})
        self._done()

    def _done(self) -> None:
        self.reload()
        self.changed.emit()
