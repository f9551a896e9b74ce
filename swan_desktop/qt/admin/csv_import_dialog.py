"""The preview of a CSV import: every row as it will be created, each problem
named on its row, and Import enabled only when there is none.

The rows are checked on this desktop first; then ``directory.import`` sends
them all in one request, which the server applies whole or not at all. When it
refuses, its per-row reasons are put on the rows here — nothing was imported.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.admin import AdminClient
from ...core.directory_csv import TITLES, Preview, PreviewRow, apply_server_rows, parse_csv
from ...core.outcomes import FAILURES, Invalid, outcome_of
from ..models.row_table import Index, RowTableModel
from ..tasks import spawn

PROBLEM_FILL = QColor("#fbe9e7")
PROBLEM_TEXT = QColor("#b3261e")


class PreviewModel(RowTableModel[PreviewRow]):
    def __init__(self, columns: tuple[str, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.headers = ["Line", *columns, "Problem"]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.cell_row(index)
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(row.line)
            if col <= len(self.columns):
                return row.cells.get(self.columns[col - 1], "")
            return row.problem() or "OK"
        if role == Qt.ItemDataRole.BackgroundRole and not row.ok:
            return PROBLEM_FILL
        if role == Qt.ItemDataRole.ForegroundRole and not row.ok and (
                col == len(self.columns) + 1 or (0 < col <= len(self.columns)
                                                 and self.columns[col - 1] in row.errors)):
            return PROBLEM_TEXT
        return None

    def refresh(self) -> None:
        self.set_rows(list(self._rows))


class CsvImportDialog(QDialog):
    imported = Signal(dict)

    def __init__(self, admin: AdminClient, table: str, text: str, source: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = admin
        self.table_name = table
        self.setWindowTitle(f"Import {TITLES[table]}")
        self.setAccessibleName(f"Import {TITLES[table]}")
        self.preview: Preview = parse_csv(table, text, admin.feed.directory)
        self.model = PreviewModel(self.preview.columns)
        self.model.set_rows(self.preview.rows)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Rows to import")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Summary")
        source_label = QLabel(f"From {source}" if source else "")
        source_label.setProperty("role", "hint")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button: QPushButton = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(source_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(760, 420)
        self._show_state()

    def _show_state(self, server_words: str = "") -> None:
        p = self.preview
        bad = sum(1 for r in p.rows if not r.ok)
        what = TITLES[self.table_name]
        if p.problem:
            text = p.problem
        elif bad:
            text = (f"{bad} of {len(p.rows)} rows have a problem (in red). Nothing is imported until "
                    "every row is right: correct the file and import it again.")
        else:
            text = f"{len(p.rows)} {what} will be added. All or nothing: if one is refused, none is added."
        if server_words:
            text = f"The server refused the import; nothing was added. {text}"
        self.summary.setText(text)
        self.summary.setProperty("role", "hint" if p.ok else "error")
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
        self.import_button.setEnabled(p.ok)

    def send(self) -> None:
        if not self.preview.ok:
            return
        self.import_button.setEnabled(False)
        spawn(self._send())

    async def _send(self) -> None:
        p = self.preview
        try:
            created = await self.admin.import_directory(**{self.table_name: p.values()})
        except FAILURES as exc:
            outcome = outcome_of(exc)
            if isinstance(outcome, Invalid) and outcome.rows:
                apply_server_rows(p, [(r.table, r.row, r.field, r.message) for r in outcome.rows])
                self.model.refresh()
                self._show_state(outcome.message)
            else:
                self.summary.setText(f"Nothing was imported: {outcome.message}")
                self.import_button.setEnabled(True)
            return
        self.imported.emit(created)
        self.accept()
