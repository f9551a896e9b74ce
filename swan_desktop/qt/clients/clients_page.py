"""The Clients page: search as you type, the results, and the chosen client's card.

The card is fetched (``client.get``) when a row is picked and again when an
event says that client changed (a sale, a booking, an edit on another PC),
coalesced by a short timer. Selling, adjusting and the new-client question are
opened with ``open()``; nothing here waits on the Qt thread.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core import client_csv
from ...core.client_records import ClientCard, Sale, SearchResult
from ...core.clients import ClientsClient
from ...core.directory import Directory
from ...core.outcomes import FAILURES, Invalid, outcome_of
from ..session_text import client_label, local, short_date
from ..tasks import spawn
from .adjust_dialog import AdjustCreditsDialog
from .card import ClientCardView
from .results_model import ClientResultsModel
from .sale_dialogs import RefundSaleDialog, SaleQuestion, VoidSaleDialog
from .search import ClientSearch
from .sell_dialog import SellPackageDialog

#: A question before a sale is voided or refunded.
Question = TypeVar("Question", VoidSaleDialog, RefundSaleDialog)

RELOAD_MS = 100
SCHEDULE_RELOAD_MS = 500
SEARCH_LIMIT = 20   # client.search's default


class ClientsPage(QWidget):
    #: ``(text, error)``: what happened, for the status bar.
    told = Signal(str, bool)
    #: ``(client_id, name)``: open the session editor for this client.
    bookRequested = Signal(int, str)
    importRequested = Signal()

    def __init__(self, clients: ClientsClient, directory: Callable[[], Directory], *, is_admin: bool,
                 can_edit: bool, currency: Callable[[], str] = lambda: "EUR",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Clients")
        self.clients = clients
        self._directory = directory
        self._currency = currency
        self.is_admin = is_admin
        zone = directory().zone
        self.search = ClientSearch(clients, self)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search clients by name, email, phone or tag")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search clients")
        self.search_edit.textChanged.connect(self.search.set_text)
        self.search_edit.returnPressed.connect(self.search.run_now)
        self.archived = QCheckBox("Show archived")
        self.archived.toggled.connect(self._show_archived)
        self.busy = QLabel("")
        self.busy.setMinimumWidth(80)
        self.new_button = QPushButton("New client…")
        self.new_button.setEnabled(can_edit)
        self.new_button.clicked.connect(self.ask_new_client)
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setVisible(is_admin)
        self.import_button.clicked.connect(self.importRequested)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Every client, archived ones too, as a CSV file this import reads back")
        self.export_button.setVisible(is_admin)
        self.export_button.clicked.connect(self.choose_export)
        self.file_dialog: QFileDialog | None = None
        self.model = ClientResultsModel(zone, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Search results")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._picked)
        self.summary = QLabel("Type to search; all clients are listed when the field is empty.")
        self.summary.setWordWrap(True)
        self.session_hits = QListWidget()
        self.session_hits.setAccessibleName("Sessions that mention the search")
        self.session_hits.setMaximumHeight(110)
        self.session_hits.hide()
        self.card = ClientCardView(zone, can_adjust=is_admin, can_edit=can_edit, currency=currency())
        self.card.saveRequested.connect(self.save_details)
        self.card.bookRequested.connect(self._book)
        self.card.sellRequested.connect(self.open_sale)
        self.card.adjustRequested.connect(self.open_adjust)
        self.card.olderRequested.connect(lambda cid, before: spawn(self._older(cid, before)))
        self.card.archiveRequested.connect(
            lambda cid, archived: self.save_details(cid, {"archived": archived}))
        self.card.eraseRequested.connect(self.ask_erase)
        self.card.voidRequested.connect(self.open_void)
        self.card.refundRequested.connect(self.open_refund)
        self.dialog: SellPackageDialog | AdjustCreditsDialog | SaleQuestion | QInputDialog | None = None

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.archived)
        top.addWidget(self.busy)
        top.addWidget(self.new_button)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.session_hits)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.card)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([520, 780])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.search.answered.connect(self.show_result)
        self.search.failed.connect(lambda text: self.told.emit(text, True))
        self.search.busyChanged.connect(lambda busy: self.busy.setText("Searching…" if busy else ""))
        self._card_task: asyncio.Future[None] | None = None
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(RELOAD_MS)
        self._reload.timeout.connect(self.reload_card)
        clients.store.listeners.append(self._store_changed)
        # A session booked, moved or completed for the shown client changes the card without a
        # client event: while the page is in view, the card is fetched again, at most twice a second.
        self._sessions_changed = QTimer(self)
        self._sessions_changed.setSingleShot(True)
        self._sessions_changed.setInterval(SCHEDULE_RELOAD_MS)
        self._sessions_changed.timeout.connect(self.reload_card)
        clients.schedule.add_listener(self._schedule_changed)

    def _schedule_changed(self) -> None:
        if self.card.client_id is not None and self.isVisible() and not self._sessions_changed.isActive():
            self._sessions_changed.start()

    def stop(self) -> None:
        self.search.stop()
        self._reload.stop()
        self._sessions_changed.stop()
        with contextlib.suppress(ValueError):
            self.clients.schedule.remove_listener(self._schedule_changed)
        if self._store_changed in self.clients.store.listeners:
            self.clients.store.listeners.remove(self._store_changed)

    def start(self) -> None:
        """The first list (every client), without waiting for a keystroke."""
        self.search.run_now()

    # -- search ----------------------------------------------------------------------------
    def _show_archived(self, shown: bool) -> None:
        self.search.include_archived = shown
        self.search.run_now()

    def show_result(self, result: SearchResult) -> None:
        chosen = self.card.client_id
        self.model.set_rows(list(result.clients))
        n = len(result.clients)
        where = f" for “{result.query}”" if result.query else ""
        if not n:
            self.summary.setText(f"No client found{where}.")
        elif n >= SEARCH_LIMIT:
            self.summary.setText(f"The first {n} clients{where}; type more to narrow the list.")
        else:
            self.summary.setText(f"{n} client{'' if n == 1 else 's'}{where}.")
        self.session_hits.clear()
        directory = self._directory()
        for s in result.sessions:
            start = local(s.start, directory.zone)
            self.session_hits.addItem(f"{short_date(start.date())} {start.year} {start:%H:%M} — "
                                      f"{client_label(s, directory)}: {s.notes}")
        self.session_hits.setVisible(bool(result.sessions))
        for row in range(n):
            if self.model.client_at(row) is not None and result.clients[row].client.id == chosen:
                self.table.selectRow(row)

    def _picked(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        client = self.model.client_at(rows[0].row()) if rows else None
        if client is not None and client.id != self.card.client_id:
            self.open_client(client.id)

    def open_client(self, client_id: int) -> None:
        if self._card_task is not None and not self._card_task.done():
            self._card_task.cancel()
        self._card_task = spawn(self._load_card(client_id))

    def reload_card(self) -> None:
        if self.card.client_id is not None:
            self.open_client(self.card.client_id)

    async def _load_card(self, client_id: int) -> None:
        try:
            card = await self.clients.get(client_id)
        except FAILURES as exc:
            self.told.emit(outcome_of(exc).message, True)
            return
        self.show_card(card)

    def show_card(self, card: ClientCard) -> None:
        self.card.package_names = {p.id: p.name for p in self.clients.store.packages.values()}
        self.card.currency = self._currency()
        self.card.show_card(card, self._directory())

    def _store_changed(self, what: str, key: int) -> None:
        if what != "client":
            return
        record = self.clients.store.get(key)
        if record is not None:
            self.model.update_client(record)
        if key == self.card.client_id:
            if record is not None:
                self.card.show_record(record)
            self._reload.start()   # the ledger, packages and sessions behind the change

    async def _older(self, client_id: int, before: int) -> None:
        try:
            entries, more = await self.clients.ledger(client_id, before=before)
        except FAILURES as exc:
            self.told.emit(outcome_of(exc).message, True)
            return
        if self.card.client_id == client_id:
            self.card.add_older(entries, more)

    # -- changes ---------------------------------------------------------------------------
    def save_details(self, client_id: int, changes: dict[str, object]) -> None:
        spawn(self._save(client_id, changes))

    async def _save(self, client_id: int, changes: dict[str, object]) -> None:
        try:
            record = await self.clients.update(client_id, dict(changes))
        except FAILURES as exc:
            outcome = outcome_of(exc)
            self.card.show_error(outcome.message, outcome.field if isinstance(outcome, Invalid) else None)
            return
        self.told.emit(f"{record.name}'s details were saved.{self._duplicates(record.id)}", False)

    def _duplicates(self, client_id: int) -> str:
        names = self.clients.duplicates.get(client_id) or ()
        if not names:
            return ""
        return f" Note: {', '.join(names)} {'has' if len(names) == 1 else 'have'} the same email."

    def ask_erase(self, client_id: int) -> QInputDialog | None:
        """Erase an archived client's personal data, on their request: said plainly, and confirmed
        by typing their name (the server checks it too)."""
        record = self.clients.store.get(client_id)
        if record is None:
            return None
        ask = QInputDialog(self)
        ask.setWindowTitle("Erase personal data")
        ask.setLabelText(
            f"Erase {record.name}'s personal data?\n\nTheir name, email, phone, birthday, emergency "
            "contact, notes and tags are removed from the studio's records, and their name from the "
            f"history of their sessions. Sessions, credits and sales stay, under “Erased client "
            f"#{record.id}”. Backups made before keep them until they are deleted.\n\nThis cannot be "
            f"undone. Type “{record.name}” to erase:")
        ask.textValueSelected.connect(lambda typed: spawn(self._erase(client_id, typed)))
        self.dialog = ask
        ask.open()
        return ask

    async def _erase(self, client_id: int, typed: str) -> None:
        try:
            record = await self.clients.erase(client_id, typed)
        except FAILURES as exc:
            outcome = outcome_of(exc)
            self.card.show_error(outcome.message)
            return
        self.card.error.hide()
        self.card.show_record(record, keep_details=False)
        self.told.emit(f"The client's personal data was erased; they are now “{record.name}”.", False)

    def ask_new_client(self) -> QInputDialog:
        ask = QInputDialog(self)
        ask.setWindowTitle("New client")
        ask.setLabelText("The new client's name:")
        ask.setTextValue(self.search_edit.text().strip())
        ask.textValueSelected.connect(lambda name: spawn(self._create(name)))
        self.dialog = ask
        ask.open()
        return ask

    async def _create(self, name: str) -> None:
        try:
            record = await self.clients.create({"name": name.strip()})
        except FAILURES as exc:
            self.told.emit(outcome_of(exc).message, True)
            return
        self.told.emit(f"{record.name} was added.{self._duplicates(record.id)}", False)
        self.search_edit.setText(record.name)
        self.search.run_now()
        self.open_client(record.id)

    # -- export ------------------------------------------------------------------------------
    def choose_export(self) -> QFileDialog:
        dialog = QFileDialog(self, "Export every client as CSV")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.setNameFilter("CSV files (*.csv)")
        dialog.selectFile("clients.csv")
        dialog.fileSelected.connect(lambda path: spawn(self.export_to(Path(path))))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    async def export_to(self, path: Path) -> int | None:
        """Every client to ``path``; how many (None when the server or the disk refused)."""
        self.export_button.setEnabled(False)
        try:
            records = await self.clients.export_all()
            text = client_csv.write(records)
            await asyncio.to_thread(path.write_text, text, encoding="utf-8-sig")  # a spreadsheet reads it
        except FAILURES as exc:
            self.told.emit(f"The clients were not exported: {outcome_of(exc).message}", True)
            return None
        except OSError as exc:
            self.told.emit(f"The clients could not be written to {path}: {exc.strerror or exc}", True)
            return None
        finally:
            self.export_button.setEnabled(True)
        count = len(records)
        self.told.emit(f"{count:,} client{'s' if count != 1 else ''} exported to {path}.", False)
        return len(records)

    def _book(self, client_id: int) -> None:
        record = self.clients.store.get(client_id)
        self.bookRequested.emit(client_id, record.name if record is not None else "")

    def open_sale(self, client_id: int) -> SellPackageDialog | None:
        record = self.clients.store.get(client_id)
        if record is None:
            return None
        dialog = SellPackageDialog(self.clients, record, self._directory().zone, self._currency(),
                                   parent=self)
        dialog.sold.connect(lambda sale: self.told.emit(
            f"Sold {sale.credits} credits to {record.name}.", False))
        self._show(dialog)
        return dialog

    def open_adjust(self, client_id: int) -> AdjustCreditsDialog | None:
        record = self.clients.store.get(client_id)
        if record is None:
            return None
        dialog = AdjustCreditsDialog(self.clients, record, self)
        dialog.adjusted.connect(lambda entry: self.told.emit(
            f"{record.name}'s credits changed by {entry.delta:+d}.", False))
        self._show(dialog)
        return dialog

    def open_void(self, sale: Sale) -> VoidSaleDialog | None:
        return self._undo(VoidSaleDialog, sale)

    def open_refund(self, sale: Sale) -> RefundSaleDialog | None:
        return self._undo(RefundSaleDialog, sale)

    def _undo(self, kind: type[Question], sale: Sale) -> Question | None:
        """Ask before a sale is voided or refunded; what was done, in the status line after."""
        record = self.clients.store.get(sale.client_id)
        if record is None:
            return None
        dialog = kind(self.clients, record, sale, self.card.sale_name(sale), self._currency(),
                      self._directory().zone, parent=self)
        dialog.undone.connect(lambda done: self.told.emit(dialog.words(done), False))
        self._show(dialog)
        return dialog

    def _show(self, dialog: SellPackageDialog | AdjustCreditsDialog | SaleQuestion) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        dialog.open()

    def _closed(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
