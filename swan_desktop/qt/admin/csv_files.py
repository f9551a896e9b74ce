"""Choosing CSV files for the directory's lists: export to one, or import from one
through the preview (:class:`~.csv_import_dialog.CsvImportDialog`).

File dialogs and the preview are opened with ``open()``; what happened is told
through :attr:`CsvFiles.told`, and :attr:`CsvFiles.closed` says a preview
closed (imported or not), for the owner to show the lists again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ...core.admin import AdminClient
from ...core.directory_csv import TITLES, export_csv
from .csv_import_dialog import CsvImportDialog


class CsvFiles(QObject):
    told = Signal(str, bool)
    closed = Signal()

    def __init__(self, admin: AdminClient, parent: QWidget) -> None:
        super().__init__(parent)
        self.admin = admin
        self.parent_widget = parent
        #: The open file dialog and import preview, if any (tests drive them).
        self.file_dialog: QFileDialog | None = None
        self.import_dialog: CsvImportDialog | None = None

    def choose_import(self, table: str) -> QFileDialog:
        dialog = self._file_dialog(f"Import {TITLES[table]} from CSV", QFileDialog.AcceptMode.AcceptOpen)
        dialog.fileSelected.connect(lambda path: self.import_file(table, Path(path)))
        dialog.open()
        return dialog

    def choose_export(self, table: str) -> QFileDialog:
        dialog = self._file_dialog(f"Export {TITLES[table]} as CSV", QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile(f"{table.replace('_', '-')}.csv")
        dialog.fileSelected.connect(lambda path: self.export_file(table, Path(path)))
        dialog.open()
        return dialog

    def _file_dialog(self, title: str, mode: QFileDialog.AcceptMode) -> QFileDialog:
        dialog = self.file_dialog = QFileDialog(self.parent_widget, title)
        dialog.setAcceptMode(mode)
        dialog.setNameFilter("CSV files (*.csv)")
        dialog.setDefaultSuffix("csv")
        return dialog

    def export_file(self, table: str, path: Path) -> None:
        try:
            path.write_text(export_csv(table, self.admin.feed.directory), encoding="utf-8")
        except OSError as exc:
            self.told.emit(f"Could not write {path.name}: {exc.strerror or exc}", True)
            return
        self.told.emit(f"The {TITLES[table]} were saved to {path}.", False)

    def import_file(self, table: str, path: Path) -> CsvImportDialog | None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.told.emit(f"Could not read {path.name}: {exc}", True)
            return None
        return self.preview_import(table, text, path.name)

    def preview_import(self, table: str, text: str, source: str = "") -> CsvImportDialog:
        dialog = self.import_dialog = CsvImportDialog(self.admin, table, text, source, self.parent_widget)
        dialog.imported.connect(lambda created: self.told.emit(
            f"Imported {created.get(table, 0)} {TITLES[table]}.", False))
        dialog.finished.connect(lambda _r: self._import_closed(dialog))
        dialog.open()
        return dialog

    def _import_closed(self, dialog: CsvImportDialog) -> None:
        if self.import_dialog is dialog:
            self.import_dialog = None
        dialog.deleteLater()
        self.closed.emit()
