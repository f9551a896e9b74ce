"""The Administration pane (admins): Studio, Trainers, Rooms, Session types and
Staff accounts as tabs, kept current as the directory changes (here or on any
other desktop), and the CSV import and export of the three lists (``csv_files``)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QTabWidget, QWidget

from ...core.admin import AdminClient
from .accounts_page import AccountsPage
from .csv_files import CsvFiles
from .csv_import_dialog import CsvImportDialog
from .entry_dialogs import TYPE_NOTE, RoomDialog, TypeDialog
from .list_page import Kind, ListPage
from .models import RoomModel, TrainerModel, TypeModel
from .studio_page import StudioPage
from .trainer_dialog import TrainerDialog


class AdministrationPane(QTabWidget):
    #: ``(text, error)``: what happened, for the status bar.
    told = Signal(str, bool)
    assistantRequested = Signal()

    def __init__(self, admin: AdminClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = admin
        self.setAccessibleName("Administration")
        self.setDocumentMode(True)
        directory = lambda: admin.feed.directory  # noqa: E731 - the store swaps directories on reload
        self.studio = StudioPage(admin)
        self.studio.assistantRequested.connect(self.assistantRequested)
        self.trainers = ListPage(
            Kind("trainer", "trainers", lambda: directory().all_trainers(),
                 lambda row, parent: TrainerDialog(admin, row, parent),
                 lambda row, archived: admin.archive("trainer", row.id, archived),
                 lambda row: admin.delete_trainer(row.id), "trainers"),
            TrainerModel(self._account_name), "Trainers",
            "Archived trainers are no longer offered for new sessions or shown as day columns; "
            "their past sessions keep their name.")
        self.rooms = ListPage(
            Kind("room", "rooms", lambda: sorted(directory().locations, key=lambda r: r.name.lower()),
                 lambda row, parent: RoomDialog(admin, row, parent),
                 lambda row, archived: admin.archive("room", row.id, archived),
                 lambda row: admin.delete_room(row.id), "rooms"),
            RoomModel(), "Rooms",
            "Clash checks use rooms: a room holds one session at a time, or as many as it holds "
            "at once (a floor several trainers share).")
        self.types = ListPage(
            Kind("session type", "session types",
                 lambda: sorted(directory().session_types.values(), key=lambda t: t.name.lower()),
                 lambda row, parent: TypeDialog(admin, row, parent),
                 lambda row, archived: admin.archive("session_type", row.id, archived),
                 lambda row: admin.delete_type(row.id), "session_types"),
            TypeModel(), "Session types", TYPE_NOTE)
        self.accounts = AccountsPage(admin)
        self.addTab(self.studio, "Studio")
        self.addTab(self.trainers, "Trainers")
        self.addTab(self.rooms, "Rooms")
        self.addTab(self.types, "Session types")
        self.addTab(self.accounts, "Staff accounts")
        for page in (self.trainers, self.rooms, self.types):
            page.told.connect(self.told)
            page.importRequested.connect(self.choose_import)
            page.exportRequested.connect(self.choose_export)
        for other in (self.studio, self.accounts):
            other.told.connect(self.told)
        self._accounts_seen: tuple[object, ...] = ()
        self.csv = CsvFiles(admin, self)
        self.csv.told.connect(self.told)
        self.csv.closed.connect(self.refresh)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        admin.feed.store.add_listener(self._timer.start)
        admin.accounts.listeners.append(self._timer.start)

    def stop(self) -> None:
        self._timer.stop()
        with contextlib.suppress(ValueError):
            self.admin.feed.store.remove_listener(self._timer.start)
        if self._timer.start in self.admin.accounts.listeners:
            self.admin.accounts.listeners.remove(self._timer.start)

    def load(self) -> None:
        """Fetch what only admins see (the accounts)."""
        self.accounts.load()

    def refresh(self) -> None:
        accounts = tuple(self.admin.accounts.all())
        names_changed = accounts != self._accounts_seen  # the trainers' "Staff account" column
        self._accounts_seen = accounts
        self.trainers.refresh(force=names_changed)
        for page in (self.rooms, self.types):
            page.refresh()
        self.accounts.refresh()

    def _account_name(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        account = self.admin.accounts.get(user_id)
        return account.username if account else self.admin.feed.directory.user_name(user_id)

    # -- CSV ---------------------------------------------------------------------------
    def choose_import(self, table: str) -> QFileDialog:
        return self.csv.choose_import(table)

    def choose_export(self, table: str) -> QFileDialog:
        return self.csv.choose_export(table)

    def export_file(self, table: str, path: Path) -> None:
        self.csv.export_file(table, path)

    def import_file(self, table: str, path: Path) -> CsvImportDialog | None:
        return self.csv.import_file(table, path)

    def preview_import(self, table: str, text: str, source: str = "") -> CsvImportDialog:
        return self.csv.preview_import(table, text, source)

    @property
    def import_dialog(self) -> CsvImportDialog | None:
        return self.csv.import_dialog
