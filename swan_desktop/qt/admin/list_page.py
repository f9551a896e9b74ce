"""One Administration page: a table of trainers, rooms or session types with Add,
Edit, Archive/Restore, Delete and CSV import/export.

Deleting asks first; when the server refuses because sessions still name the
entry (``InUse``) the page says how many and offers to archive instead.
Questions are message boxes opened with ``open()``; results are told in the
page's status line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.outcomes import FAILURES, InUse, outcome_of
from ..tasks import spawn
from .models import _Model


@dataclass
class Kind:
    """What a page lists and how to change it."""

    noun: str                                            # "trainer"
    plural: str                                          # "trainers"
    rows: Callable[[], Sequence[Any]]
    dialog: Callable[[Any | None, QWidget], QDialog]     # add (None) or edit
    archive: Callable[[Any, bool], Awaitable[int]]       # (row, archived) -> sessions ahead still using it
    delete: Callable[[Any], Awaitable[None]]
    csv_table: str = ""                                  # "trainers" | "rooms" | "session_types"


class ListPage(QWidget):
    #: ``(text, error)`` — what happened, in words (also shown in the page's status line).
    told = Signal(str, bool)
    importRequested = Signal(str)
    exportRequested = Signal(str)

    def __init__(self, kind: Kind, model: _Model, heading: str, hint: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.model = model
        self.setAccessibleName(heading)
        title = QLabel(heading)
        title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setAccessibleName(heading)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.add_button = self._button(f"Add {kind.noun}…", self.add)
        self.edit_button = self._button("Edit…", self.edit)
        self.archive_button = self._button("Archive", self.toggle_archive)
        self.delete_button = self._button("Delete…", self.ask_delete)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.archive_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        if kind.csv_table:
            table = kind.csv_table
            self.import_button = self._button("Import CSV…", lambda: self.importRequested.emit(table))
            self.export_button = self._button("Export CSV…", lambda: self.exportRequested.emit(table))
            buttons.addWidget(self.import_button)
            buttons.addWidget(self.export_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if hint:
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setProperty("role", "hint")
            layout.addWidget(note)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        #: The open question or dialog, if any (tests answer it).
        self.question: QMessageBox | None = None
        self.dialog: QDialog | None = None
        self._key: tuple[Any, ...] | None = None
        self.told.connect(self._show_status)
        self.refresh()

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(lambda _=False: slot())
        return button

    # -- rows ----------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        """Show the rows again when they changed (``force``: something a cell shows changed)."""
        rows = list(self.kind.rows())
        key = tuple(rows)
        if key == self._key and not force:
            return
        chosen = self.current()
        self._key = key
        self.model.set_rows(rows)
        if chosen is not None:
            self.select_where(lambda r: r.id == chosen.id)
        self._enable()

    def current(self) -> Any | None:
        selected = self.table.selectionModel().selectedRows()
        return self.model.row(selected[0].row()) if selected else None

    def select_where(self, test: Callable[[Any], bool]) -> bool:
        for row in range(self.model.rowCount()):
            item = self.model.row(row)
            if item is not None and test(item):
                self.table.selectRow(row)
                return True
        return False

    def _enable(self) -> None:
        row = self.current()
        for b in (self.edit_button, self.archive_button, self.delete_button):
            b.setEnabled(row is not None)
        archived = row is not None and not getattr(row, "active", True)
        self.archive_button.setText("Restore" if archived else "Archive")
        self.archive_button.setAccessibleName("Restore" if archived else "Archive")

    def _show_status(self, text: str, error: bool) -> None:
        self.status.setText(text)
        self.status.setProperty("role", "error" if error else "hint")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    # -- actions ---------------------------------------------------------------------
    def add(self) -> None:
        self._open(self.kind.dialog(None, self))

    def edit(self) -> None:
        row = self.current()
        if row is not None:
            self._open(self.kind.dialog(row, self))

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        saved = getattr(dialog, "saved", None)
        if saved is not None:
            saved.connect(lambda result: self._saved(result, str(getattr(dialog, "warning", ""))))
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _saved(self, result: Any, warning: str = "") -> None:
        self.refresh()
        rid = getattr(result, "id", None)
        if rid is not None:
            self.select_where(lambda r: r.id == rid)
        if warning:
            self.told.emit(warning, True)
            return
        name = getattr(result, "name", "")
        self.told.emit(f"{name} saved." if name else "Saved.", False)

    def toggle_archive(self, row: Any | None = None) -> None:
        row = row if row is not None else self.current()
        if row is None:
            return
        archiving = bool(getattr(row, "active", True))

        async def run() -> None:
            ahead = await self.kind.archive(row, archiving)
            self.refresh()
            if archiving and ahead:
                sessions = f"{ahead} session{'s' if ahead != 1 else ''} still to come"
                self.told.emit(f"{row.name} is archived, but {sessions} {'uses' if ahead == 1 else 'use'} "
                               f"it and {'stays' if ahead == 1 else 'stay'} booked as before: reassign or "
                               "cancel them in the schedule.", True)
            elif archiving:
                self.told.emit(f"{row.name} is archived: no longer offered for new sessions; "
                               "past sessions keep the name.", False)
            else:
                self.told.emit(f"{row.name} is back in use.", False)
        spawn(self._guard(run(), f"Could not {'archive' if archiving else 'restore'} {row.name}"))

    def ask_delete(self) -> None:
        row = self.current()
        if row is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, f"Delete {self.kind.noun}",
                          f"Delete {row.name} for good? This cannot be undone.",
                          QMessageBox.StandardButton.Cancel, self)
        go = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self._ask(box, lambda: box.clickedButton() is go, lambda: self.delete(row))

    def delete(self, row: Any) -> None:
        async def run() -> None:
            try:
                await self.kind.delete(row)
            except FAILURES as exc:
                outcome = outcome_of(exc)
                if isinstance(outcome, InUse):
                    self.offer_archive(row, outcome)
                    return
                raise
            self.refresh()
            self.told.emit(f"{row.name} was deleted.", False)
        spawn(self._guard(run(), f"Could not delete {row.name}"))

    def offer_archive(self, row: Any, outcome: InUse) -> QMessageBox:
        count = outcome.sessions
        sessions = f"{count} session{'s' if count != 1 else ''} refer{'s' if count == 1 else ''}"
        box = QMessageBox(QMessageBox.Icon.Information, f"{row.name} is in use",
                          f"{sessions} to this {self.kind.noun} — archive instead? "
                          f"An archived {self.kind.noun} is no longer offered, and past sessions keep "
                          "showing the name.",
                          QMessageBox.StandardButton.Cancel, self)
        archive = box.addButton("Archive", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(archive)
        self._ask(box, lambda: box.clickedButton() is archive, lambda: self.toggle_archive(row))
        return box

    def _ask(self, box: QMessageBox, yes: Callable[[], bool], then: Callable[[], None]) -> None:
        box.setAccessibleName(box.windowTitle())

        def answered() -> None:
            if self.question is box:
                self.question = None
            if yes():
                then()
            box.deleteLater()

        box.finished.connect(lambda _r: answered())
        self.question = box
        box.open()

    async def _guard(self, op: Awaitable[None], failed: str) -> None:
        try:
            await op
        except FAILURES as exc:
            self.told.emit(f"{failed}: {outcome_of(exc).message}", True)

