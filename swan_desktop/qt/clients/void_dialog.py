"""Void a package sale made by mistake (admins): what it undoes, the reason (kept in the
ledger and on the sale), and the server's refusal in words when a credit was spent."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.client_records import ClientRecord, Sale, money
from ...core.clients import ClientsClient
from ...core.outcomes import FAILURES, outcome_of
from ..session_text import local, short_date
from ..tasks import spawn
from .card import ERROR_STYLE


class VoidSaleDialog(QDialog):
    #: The sale as the server now has it (voided).
    voided = Signal(object)

    def __init__(self, clients: ClientsClient, client: ClientRecord, sale: Sale, name: str, currency: str,
                 zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clients = clients
        self.client = client
        self.sale = sale
        self.setWindowTitle("Void a sale")
        when = local(sale.sold_at, zone) if sale.sold_at else None
        sold = f" on {short_date(when.date())} {when.year}" if when else ""
        self.what = QLabel(
            f"Void the sale of {name} to {client.name}{sold} ({sale.credits} credit"
            f"{'s' if sale.credits != 1 else ''}, {money(sale.price_paid_cents, currency)} paid)?\n"
            f"{'Its credit is' if sale.credits == 1 else f'Its {sale.credits} credits are'} taken back from "
            "the balance and the sale leaves the revenue report. Refund the payment itself as the studio "
            "does.")
        self.what.setWordWrap(True)
        self.what.setMinimumWidth(460)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why, e.g. sold to the wrong client")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.void_button: QPushButton = self.buttons.addButton(
            "Void sale", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what)
        layout.addWidget(QLabel("Reason (kept in the client's ledger):"))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.adjustSize()

    def _problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def save(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self._problem("Say why: the reason is kept with the sale and in the client's ledger.")
            self.reason.setFocus()
            return
        self.buttons.setEnabled(False)
        spawn(self._save(reason))

    async def _save(self, reason: str) -> None:
        try:
            sale = await self.clients.void_sale(self.sale.id, reason)
        except FAILURES as exc:
            self._problem(outcome_of(exc).message)
            self.buttons.setEnabled(True)
            return
        self.voided.emit(sale)
        self.accept()
