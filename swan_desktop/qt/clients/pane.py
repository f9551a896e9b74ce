"""The Clients pane: the Clients page (search and card), Reports, and for admins the
package definitions, as tabs; plus the clients CSV import it opens."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QTabWidget, QWidget

from ...core.clients import ClientsClient
from ...core.directory import Directory
from ...core.outcomes import FAILURES, outcome_of
from ..tasks import spawn
from .clients_page import ClientsPage
from .import_dialog import ClientImportDialog
from .packages_page import PackagesPage
from .reports_page import ReportsPage

log = logging.getLogger(__name__)


class ClientsPane(QTabWidget):
    told = Signal(str, bool)
    bookRequested = Signal(int, str)

    def __init__(self, clients: ClientsClient, directory: Callable[[], Directory], *, is_admin: bool,
                 can_edit: bool, own_trainer: int | None = None,
                 settings: Callable[[], dict[str, str]] = dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Clients")
        self.setDocumentMode(True)
        self.clients = clients
        currency = lambda: settings().get("currency") or "EUR"  # noqa: E731
        self.page = ClientsPage(clients, directory, is_admin=is_admin, can_edit=can_edit, currency=currency)
        self.reports = ReportsPage(clients, directory, own_trainer=None if is_admin else own_trainer,
                                   currency=currency)
        self.packages: PackagesPage | None = PackagesPage(clients, currency()) if is_admin else None
        self.addTab(self.page, "Clients")
        if is_admin or own_trainer is not None:
            self.addTab(self.reports, "Reports")
        if self.packages is not None:
            self.addTab(self.packages, "Packages")
            self.packages.told.connect(self.told)
        for page in (self.page, self.reports):
            page.told.connect(self.told)
        self.page.bookRequested.connect(self.bookRequested)
        self.page.importRequested.connect(self.choose_import)
        self.import_dialog: ClientImportDialog | None = None
        self.file_dialog: QFileDialog | None = None
        clients.store.listeners.append(self._store_changed)

    def _store_changed(self, what: str, _key: int) -> None:
        if what == "resync":
            spawn(self._load_packages())
            self.page.search.run_now()
            self.page.reload_card()

    def load(self) -> None:
        """Packages on sale and the first list of clients."""
        spawn(self._load_packages())
        self.page.start()

    async def _load_packages(self) -> None:
        try:
            await self.clients.load_packages()
        except FAILURES as exc:  # a server without the clients feature: the first search says so
            log.info("packages not loaded: %s", outcome_of(exc).message)

    def stop(self) -> None:
        if self._store_changed in self.clients.store.listeners:
            self.clients.store.listeners.remove(self._store_changed)
        self.page.stop()
        if self.packages is not None:
            self.packages.stop()

    # -- CSV import ------------------------------------------------------------------------
    def choose_import(self) -> QFileDialog:
        dialog = QFileDialog(self, "Import clients from a CSV file")
        dialog.setNameFilter("CSV files (*.csv *.txt)")
        dialog.fileSelected.connect(lambda path: self.import_file(Path(path)))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def import_file(self, path: Path) -> ClientImportDialog | None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.told.emit(f"{path.name} could not be read: {exc}", True)
            return None
        return self.preview_import(text, path.name)

    def preview_import(self, text: str, source: str = "") -> ClientImportDialog:
        known = [r.email for r in self.clients.store.records.values() if r.email]
        dialog = ClientImportDialog(self.clients, text, source, known, self)
        dialog.imported.connect(self._imported)
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _imported(self, created: int, skipped: int) -> None:
        skipped_text = f", {skipped} skipped (email known)" if skipped else ""
        self.told.emit(f"{created} clients imported{skipped_text}.", False)
        self.page.search.run_now()

    def _closed(self, dialog: ClientImportDialog) -> None:
        if self.import_dialog is dialog:
            self.import_dialog = None
        dialog.deleteLater()
