"""File menu actions for the schedule: import an .ics file, export the view as
.ics, print it, save it as PDF. File choosers open non-modally (``open()``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..core.actions import ScheduleActions
from .main_window import MainWindow
from .schedule_pane import SchedulePane

if TYPE_CHECKING:  # icalendar and Qt's print support are loaded at the first use (memory, start-up)
    from .dialogs.ics_import_dialog import IcsImportDialog


class FileActions(QObject):
    message = Signal(str)

    def __init__(self, window: MainWindow, pane: SchedulePane, actions: ScheduleActions) -> None:
        super().__init__(window)
        self.window, self.pane, self.actions = window, pane, actions
        self.import_dialog: IcsImportDialog | None = None
        menu = window.file_menu
        specs: list[tuple[str, QKeySequence | None, Callable[[], object]]] = [
            ("Import calendar (.ics)…", QKeySequence("Ctrl+I"), self.choose_import),
            ("Export view as .ics…", QKeySequence("Ctrl+E"), self.choose_export_ics),
            ("Export view as PDF…", None, self.choose_export_pdf),
            ("Print…", QKeySequence(QKeySequence.StandardKey.Print), self.print_view),
        ]
        self.qactions: list[QAction] = []
        first = menu.actions()[0] if menu.actions() else None
        for text, shortcut, slot in specs:
            action = QAction(text, window)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            self.qactions.append(action)
            if first is not None:
                menu.insertAction(first, action)
            else:
                menu.addAction(action)
        if first is not None:
            menu.insertSeparator(first)

    def _title(self) -> str:
        return self.pane.toolbar.range_label.text() or "Schedule"

    def _current_view(self) -> QWidget:
        view = self.pane.stack.currentWidget()
        assert view is not None
        return view

    # -- choosers (non-modal) -------------------------------------------------
    def _chooser(self, caption: str, filt: str, save: bool, done: Callable[[str], object]) -> QFileDialog:
        dialog = QFileDialog(self.window, caption, str(Path.home()), filt)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save
                             else QFileDialog.AcceptMode.AcceptOpen)
        dialog.fileSelected.connect(done)
        dialog.open()
        return dialog

    def choose_import(self) -> QFileDialog:
        return self._chooser("Import calendar", "iCalendar files (*.ics)", False, self.import_file)

    def choose_export_ics(self) -> QFileDialog:
        return self._chooser("Export as iCalendar", "iCalendar files (*.ics)", True, self.export_ics)

    def choose_export_pdf(self) -> QFileDialog:
        return self._chooser("Export as PDF", "PDF files (*.pdf)", True, self.export_pdf)

    # -- the work -------------------------------------------------------------
    def import_file(self, path: str) -> IcsImportDialog | None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self._error(f"Cannot read {path}: {exc.strerror or exc}")
            return None
        from .dialogs.ics_import_dialog import IcsImportDialog

        # Floating and all-day times in the file are read on the studio's wall clock.
        dialog = IcsImportDialog(data, Path(path).name, self.pane.store, self.actions,
                                 self.pane.store.directory.zone, self.window)
        dialog.imported.connect(lambda n: self.message.emit(f"Imported {n} events from {Path(path).name}."))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def export_ics(self, path: str) -> int:
        from ..domain.ics import export_sessions

        start, end = self.pane.visible_range()
        sessions = self.pane.store.between(start, end, self.pane.toolbar.schedule_filter())
        directory = self.pane.store.directory
        data = export_sessions(sessions, calendar_name=f"Swan – {self._title()}",
                               trainer_name=directory.trainer_name, type_name=directory.type_name)
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            self._error(f"Cannot write {path}: {exc.strerror or exc}")
            return 0
        self.message.emit(f"Exported {len(sessions)} sessions to {Path(path).name}.")
        return len(sessions)

    def export_pdf(self, path: str) -> None:
        from .printing import export_pdf

        export_pdf(self._current_view(), path, self._title())
        self.message.emit(f"Saved {Path(path).name}.")

    def print_view(self) -> None:
        from .printing import open_print_dialog

        open_print_dialog(self._current_view(), self._title(), self.window)

    def _error(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Swan Desktop", text, parent=self.window)
        box.open()
