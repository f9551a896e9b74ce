"""The clients CSV import: a combo per CSV column saying which field it fills, a preview
with each row's problems and duplicates by email flagged, and an import that is all
or nothing (``client.import``): nothing is sent while a row has a problem, and a row
the server refuses is shown on the same preview with its reason."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import client_csv
from ...core.clients import ClientsClient
from ...core.outcomes import FAILURES, Invalid, outcome_of
from ..tasks import spawn
from .card import error_label

PREVIEW = ("name", "email", "phone", "birthday", "tags")
BAD = QColor("#fde7e9")
DUPLICATE = QColor("#fff3cd")


class ClientImportDialog(QDialog):
    #: ``(created, skipped)``
    imported = Signal(int, int)

    def __init__(self, clients: ClientsClient, text: str, source: str = "",
                 known_emails: Iterable[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clients = clients
        self.setWindowTitle(f"Import clients{' from ' + source if source else ''}")
        self.resize(860, 560)
        self.headers, self.data = client_csv.read(text)
        self.known = list(known_emails)
        self.rows: list[client_csv.Row] = []
        self.combos: list[QComboBox] = []
        mapping = QGridLayout()
        mapping.addWidget(QLabel("<b>CSV column</b>"), 0, 0)
        mapping.addWidget(QLabel("<b>goes to</b>"), 0, 1)
        for i, (header, target) in enumerate(zip(self.headers, client_csv.guess(self.headers), strict=True)):
            combo = QComboBox()
            combo.setAccessibleName(f"Field for {header}")
            for key, label in client_csv.FIELDS.items():
                combo.addItem(label, key)
            combo.setCurrentIndex(combo.findData(target))
            combo.currentIndexChanged.connect(self.refresh)
            self.combos.append(combo)
            mapping.addWidget(QLabel(header or f"Column {i + 1}"), i + 1, 0)
            mapping.addWidget(combo, i + 1, 1)
        self.skip = QCheckBox("Skip clients whose email is already in the studio (instead of refusing them)")
        self.skip.toggled.connect(self.refresh)
        self.preview = QTableWidget(0, len(PREVIEW) + 2)
        titles = [client_csv.FIELDS[f].split(" (")[0] for f in PREVIEW]
        self.preview.setHorizontalHeaderLabels(["Line", *titles, "Problem"])
        self.preview.verticalHeader().hide()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error = error_label()
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(mapping)
        layout.addWidget(self.skip)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.refresh()

    def mapping(self) -> list[str]:
        return [str(c.currentData()) for c in self.combos]

    def set_field(self, column: int, target: str) -> None:
        self.combos[column].setCurrentIndex(self.combos[column].findData(target))

    def blocking(self) -> list[client_csv.Row]:
        """Rows that stop the import: problems, except duplicates when they are to be skipped."""
        return [r for r in self.rows if r.problems and not (r.duplicate and self.skip.isChecked()
                                                              and len(r.problems) == 1)]

    def refresh(self) -> None:
        self.rows = client_csv.build(self.data, self.mapping(), self.known)
        self._show_rows({})

    def _show_rows(self, refused: dict[int, str]) -> None:
        self.preview.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            problem = "; ".join([*row.problems, *([refused[r]] if r in refused else [])])
            cells = [str(row.line), *[_text(row.record.get(f)) for f in PREVIEW], problem]
            color = BAD if (row.problems and not row.duplicate) or r in refused else \
                DUPLICATE if row.duplicate else None
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if color is not None:
                    item.setBackground(QBrush(color))
                    item.setForeground(QBrush(QColor("#1f1f1f")))
                self.preview.setItem(r, c, item)
        blocking = self.blocking()
        duplicates = sum(1 for r in self.rows if r.duplicate)
        ready = len(self.rows) - len(blocking) - (duplicates if self.skip.isChecked() else 0)
        words = [f"{len(self.rows)} rows", f"{max(0, ready)} ready"]
        if duplicates:
            words.append(f"{duplicates} duplicate email{'s' if duplicates != 1 else ''}"
                         + (" (skipped)" if self.skip.isChecked() else ""))
        if blocking or refused:
            words.append(f"{len(blocking) + len(refused)} with problems — fix the file or the mapping; "
                         "nothing is imported while a row has a problem")
        self.summary.setText(", ".join(words) + ".")
        self.import_button.setEnabled(bool(self.rows) and not blocking and "name" in self._names())

    def _names(self) -> set[str]:
        targets = set(self.mapping())
        return {"name"} if "name" in targets or {"first_name", "last_name"} & targets else set()

    def send(self) -> None:
        if self.blocking():
            return
        records = [r.record for r in self.rows if not (r.duplicate and self.skip.isChecked())]
        self.import_button.setEnabled(False)
        self.error.hide()
        spawn(self._send(records, "skip" if self.skip.isChecked() else "refuse"))

    async def _send(self, records: list[dict[str, object]], on_duplicate: str) -> None:
        try:
            created, skipped = await self.clients.import_clients(records, on_duplicate)
        except FAILURES as exc:
            outcome = outcome_of(exc)
            self.error.setText(f"{outcome.message} Nothing was imported.")
            self.error.show()
            if isinstance(outcome, Invalid) and outcome.rows:
                # client.import numbers the rows sent from 1
                sent = [i for i, r in enumerate(self.rows) if not (r.duplicate and self.skip.isChecked())]
                self._show_rows({sent[e.row - 1]: f"{e.field}: {e.message}" for e in outcome.rows
                                 if 1 <= e.row <= len(sent)})
            self.import_button.setEnabled(True)
            return
        self.imported.emit(created, skipped)
        self.accept()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
