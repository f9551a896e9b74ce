"""Adjust a client's credits (admins): a change up or down and the reason, kept in the ledger."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.client_records import ClientRecord
from ...core.clients import ClientsClient
from ...core.outcomes import FAILURES, outcome_of
from ..tasks import spawn
from .card import error_label


class AdjustCreditsDialog(QDialog):
    #: The ledger entry the server answered.
    adjusted = Signal(object)

    def __init__(self, clients: ClientsClient, client: ClientRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clients = clients
        self.client = client
        self.setWindowTitle(f"Adjust credits of {client.name}")
        self.delta = QSpinBox()
        self.delta.setRange(-999, 999)
        self.delta.setAccessibleName("Change")
        self.delta.setSuffix(" credits")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why, e.g. goodwill after a studio cancellation")
        self.after = QLabel()
        self.error = error_label()
        form = QFormLayout()
        form.addRow("Change", self.delta)
        form.addRow("Reason", self.reason)
        form.addRow("Balance after", self.after)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.delta.valueChanged.connect(self._show_after)
        self._show_after()

    def _show_after(self) -> None:
        self.after.setText(str(self.client.balance + self.delta.value()))

    def _problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def save(self) -> None:
        if self.delta.value() == 0:
            self._problem("Choose how many credits to add (or, below zero, to take away).")
            return
        if not self.reason.text().strip():
            self._problem("Say why: the reason is kept in the client's ledger.")
            self.reason.setFocus()
            return
        self.buttons.setEnabled(False)
        spawn(self._save(self.delta.value(), self.reason.text().strip()))

    async def _save(self, delta: int, reason: str) -> None:
        try:
            entry = await self.clients.adjust(self.client.id, delta, reason)
        except FAILURES as exc:
            self._problem(outcome_of(exc).message)
            self.buttons.setEnabled(True)
            return
        self.adjusted.emit(entry)
        self.accept()
