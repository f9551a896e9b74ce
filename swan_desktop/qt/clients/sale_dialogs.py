"""Undo a package sale (admins): void one made by mistake, or refund the unused part of one. Each
says what it does, asks the reason (kept on the sale and in the client's ledger) and shows the
server's refusal in its words."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import tzinfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.client_records import ClientRecord, Sale, cents_of, money
from ...core.clients import ClientsClient
from ...core.outcomes import FAILURES, outcome_of
from ..session_text import local, short_date
from ..tasks import spawn
from .card import error_label


def _credits(n: int) -> str:
    return f"{n} credit{'s' if n != 1 else ''}"


class SaleQuestion(QDialog):
    #: The sale as the server now has it.
    undone = Signal(object)

    def __init__(self, title: str, what: str, button: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.what = QLabel(what)
        self.what.setWordWrap(True)
        self.what.setMinimumWidth(460)
        self.form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go_button: QPushButton = self.buttons.addButton(button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what)
        layout.addLayout(self.form)
        layout.addWidget(QLabel("Reason (kept with the sale and in the client's ledger):"))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def save(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.problem("Say why: the reason is kept with the sale and in the client's ledger.")
            self.reason.setFocus()
            return
        request = self.request(reason)
        if request is None:
            return
        self.buttons.setEnabled(False)
        spawn(self._send(request))

    def request(self, reason: str) -> Awaitable[Sale] | None:
        raise NotImplementedError

    def words(self, sale: Sale) -> str:
        """What was done, for the status line (``sale`` as the server now has it)."""
        raise NotImplementedError

    async def _send(self, request: Awaitable[Sale]) -> None:
        try:
            sale = await request
        except FAILURES as exc:
            self.problem(outcome_of(exc).message)
            self.buttons.setEnabled(True)
            return
        self.undone.emit(sale)
        self.accept()


def _sold(sale: Sale, zone: tzinfo) -> str:
    when = local(sale.sold_at, zone) if sale.sold_at else None
    return f" on {short_date(when.date())} {when.year}" if when else ""


class VoidSaleDialog(SaleQuestion):
    def __init__(self, clients: ClientsClient, client: ClientRecord, sale: Sale, name: str, currency: str,
                 zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__("Void a sale", (
            f"Void the sale of {name} to {client.name}{_sold(sale, zone)} ({_credits(sale.credits)}, "
            f"{money(sale.price_paid_cents, currency)} paid)?\n"
            f"{'Its credit is' if sale.credits == 1 else f'Its {sale.credits} credits are'} taken back from "
            "the balance and the sale leaves the revenue report. Refund the payment itself as the studio "
            "does."), "Void sale", parent)
        self.clients, self.client, self.sale, self.name = clients, client, sale, name
        self.void_button = self.go_button
        self.reason.setPlaceholderText("Why, e.g. sold to the wrong client")
        self.adjustSize()

    def words(self, sale: Sale) -> str:
        return (f"The sale of {self.name} to {self.client.name} was voided; {_credits(sale.credits)} taken "
                "back.")

    def request(self, reason: str) -> Awaitable[Sale] | None:
        return self.clients.void_sale(self.sale.id, reason)


class RefundSaleDialog(SaleQuestion):
    def __init__(self, clients: ClientsClient, client: ClientRecord, sale: Sale, name: str, currency: str,
                 zone: tzinfo, parent: QWidget | None = None) -> None:
        left = sale.holds or 0
        super().__init__("Refund a package", (
            f"Refund the unused part of {name}, sold to {client.name}{_sold(sale, zone)} "
            f"({money(sale.price_paid_cents, currency)} paid)?\n"
            f"The {_credits(left)} left {'is' if left == 1 else 'are'} taken back from the balance. The "
            "amount given back is the studio's to decide; the revenue report counts it against today."),
            "Refund", parent)
        self.clients, self.client, self.sale, self.name, self.currency = clients, client, sale, name, currency
        self.refund_button = self.go_button
        self.amount = QLineEdit(money(self.pro_rata(), currency).split()[0])
        self.amount.setAccessibleName("Amount given back")
        self.form.addRow(f"Amount given back ({currency})", self.amount)
        self.form.addRow("", QLabel(f"{money(self.pro_rata(), currency)} is the unused part's share of "
                                    "the price paid."))
        self.reason.setPlaceholderText("Why, e.g. moving away")
        self.adjustSize()

    def pro_rata(self) -> int:
        """The price paid for the credits left (rounded down to the cent)."""
        if not self.sale.credits:
            return 0
        return self.sale.price_paid_cents * (self.sale.holds or 0) // self.sale.credits

    def request(self, reason: str) -> Awaitable[Sale] | None:
        cents = cents_of(self.amount.text())
        if cents is None or cents > self.sale.price_paid_cents:
            paid = money(self.sale.price_paid_cents, self.currency)
            self.problem(f"Give the amount as money, at most the {paid} paid.")
            self.amount.setFocus()
            return None
        return self.clients.refund_sale(self.sale.id, cents, reason)

    def words(self, sale: Sale) -> str:
        return (f"{self.client.name}'s {self.name} was refunded: {_credits(sale.refund_credits)} taken back, "
                f"{money(sale.refund_cents, self.currency)} given back.")
