"""Sell a package: which package, the price paid (the list price unless changed) and
when the credits expire. Sent with ``package.sell``; the balance follows at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.client_records import ClientRecord, Package, cents_of, money
from ...core.clients import ClientsClient
from ...core.outcomes import FAILURES, Invalid, outcome_of
from ..session_text import long_date
from ..tasks import spawn
from .card import error_label


class SellPackageDialog(QDialog):
    #: The sale the server answered (a ``Sale``).
    sold = Signal(object)

    def __init__(self, clients: ClientsClient, client: ClientRecord, zone: tzinfo, currency: str = "EUR",
                 now: Callable[[], datetime] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clients = clients
        self.client = client
        self.zone = zone
        self.currency = currency
        self._now = now or (lambda: datetime.now(zone))
        self.setWindowTitle(f"Sell a package to {client.name}")
        self.setMinimumWidth(420)
        self.package = QComboBox()
        for p in clients.store.active_packages():
            self.package.addItem(f"{p.name} — {p.credits} credit{'' if p.credits == 1 else 's'}", p.id)
        self.price = QLineEdit()
        self.price.setAccessibleName("Price paid")
        self.list_price = QLabel()
        self.expiry = QLabel()
        self.expiry.setAccessibleName("Expires")
        self.error = error_label()
        form = QFormLayout()
        form.addRow("Package", self.package)
        form.addRow(f"Price paid ({currency})", self.price)
        form.addRow("", self.list_price)
        form.addRow("Credits expire", self.expiry)
        self.buttons = QDialogButtonBox()
        self.sell_button = self.buttons.addButton("Sell", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.sell)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{client.name} has {client.balance} credits now."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.package.currentIndexChanged.connect(self._package_chosen)
        self._package_chosen()
        if self.package.count() == 0:
            self._problem("No packages are on sale yet. An administrator adds them on the Packages page.")
            self.sell_button.setEnabled(False)

    def chosen(self) -> Package | None:
        package_id = self.package.currentData()
        return self.clients.store.packages.get(package_id) if isinstance(package_id, int) else None

    def _package_chosen(self) -> None:
        package = self.chosen()
        if package is None:
            return
        self.price.setText(money(package.price_cents, self.currency).split()[0])
        self.list_price.setText(f"List price {money(package.price_cents, self.currency)}")
        expires = self._now().astimezone(self.zone) + timedelta(days=package.validity_days)
        self.expiry.setText(f"{long_date(expires.date())} ({package.validity_days} days from today)")

    def _problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def sell(self) -> None:
        package = self.chosen()
        if package is None:
            return
        cents = cents_of(self.price.text())
        if cents is None:
            self._problem("Write the price paid as an amount, e.g. 450 or 450.00.")
            self.price.setFocus()
            return
        self.error.hide()
        self.sell_button.setEnabled(False)
        spawn(self._sell(package, cents))

    async def _sell(self, package: Package, cents: int) -> None:
        try:
            sale = await self.clients.sell(self.client.id, package.id,
                                           None if cents == package.price_cents else cents)
        except FAILURES as exc:
            outcome = outcome_of(exc)
            self._problem(outcome.message)
            if isinstance(outcome, Invalid) and outcome.field == "price_paid_cents":
                self.price.setFocus()
            self.sell_button.setEnabled(True)
            return
        self.sold.emit(sale)
        self.accept()
