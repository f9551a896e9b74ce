"""Package definitions (admins): name, credits, list price and validity; retiring one
takes it off sale (sales already made keep their credits)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.client_records import Package, cents_of, money
from ...core.clients import ClientsClient
from ...core.outcomes import FAILURES, outcome_of
from ..tasks import spawn
from .card import error_label

HEADERS = ("Package", "Credits", "List price", "Valid for", "On sale")


class PackagesPage(QWidget):
    told = Signal(str, bool)

    def __init__(self, clients: ClientsClient, currency: str = "EUR", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Packages")
        self.clients = clients
        self.currency = currency
        self.editing: Package | None = None
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._picked)
        self.name = QLineEdit()
        self.credits = QSpinBox()
        self.credits.setRange(1, 500)
        self.credits.setValue(10)
        self.price = QLineEdit()
        self.price.setPlaceholderText("e.g. 450.00")
        self.validity = QSpinBox()
        self.validity.setRange(1, 3650)
        self.validity.setValue(90)
        self.validity.setSuffix(" days")
        self.active = QCheckBox("On sale")
        self.active.setChecked(True)
        self.error = error_label()
        self.save_button = QPushButton("Add package")
        self.save_button.clicked.connect(self.save)
        self.new_button = QPushButton("New")
        self.new_button.clicked.connect(self.clear_form)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Credits", self.credits)
        form.addRow(f"List price ({currency})", self.price)
        form.addRow("Valid for", self.validity)
        form.addRow("", self.active)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        side = QVBoxLayout()
        side.addWidget(QLabel("Credits expire the given number of days after the sale; the oldest "
                              "credits are spent first."))
        side.addLayout(form)
        side.addWidget(self.error)
        side.addLayout(buttons)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addLayout(side, 2)
        clients.store.listeners.append(self._changed)
        self.refresh()

    def stop(self) -> None:
        if self._changed in self.clients.store.listeners:
            self.clients.store.listeners.remove(self._changed)

    def _changed(self, what: str, _key: int) -> None:
        if what == "package":
            self.refresh()

    def refresh(self) -> None:
        rows = self.clients.store.all_packages()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, p in enumerate(rows):
            for c, text in enumerate((p.name, str(p.credits), money(p.price_cents, self.currency),
                                      f"{p.validity_days} days", "yes" if p.active else "retired")):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def _picked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        p = self.rows[rows[0].row()]
        self.editing = p
        self.name.setText(p.name)
        self.credits.setValue(p.credits)
        self.price.setText(money(p.price_cents, self.currency).split()[0])
        self.validity.setValue(p.validity_days)
        self.active.setChecked(p.active)
        self.save_button.setText("Save changes")

    def clear_form(self) -> None:
        self.editing = None
        self.table.clearSelection()
        self.name.clear()
        self.price.clear()
        self.active.setChecked(True)
        self.save_button.setText("Add package")

    def save(self) -> None:
        cents = cents_of(self.price.text())
        if not self.name.text().strip():
            self._problem("Give the package a name.")
            return
        if cents is None:
            self._problem("Write the list price as an amount, e.g. 450 or 450.00.")
            return
        fields = {"name": self.name.text().strip(), "credits": self.credits.value(), "price_cents": cents,
                  "validity_days": self.validity.value()}
        self.error.hide()
        spawn(self._save(self.editing, fields))

    def _problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    async def _save(self, editing: Package | None, fields: dict[str, object]) -> None:
        try:
            if editing is None:
                package = await self.clients.create_package(fields)
            else:
                changes = {k: v for k, v in {**fields, "active": self.active.isChecked()}.items()
                           if getattr(editing, k) != v}
                package = await self.clients.update_package(editing.id, changes) if changes else editing
        except FAILURES as exc:
            self._problem(outcome_of(exc).message)
            return
        self.told.emit(f"Package “{package.name}” saved.", False)
        self.clear_form()
