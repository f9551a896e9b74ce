"""The bar that appears over a multi-selection in the agenda: confirm, cancel,
reassign, move, duplicate, delete or export the selected sessions at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QWidget,
)

from ..core.bulk import BulkOp, BulkResult, run_bulk
from .tasks import spawn
from .undo import bulk_changes

if TYPE_CHECKING:
    from .schedule_pane import SchedulePane

SHIFTS = (("1 day earlier", -1), ("1 day later", 1), ("1 week earlier", -7), ("1 week later", 7))


class BulkBar(QWidget):
    def __init__(self, pane: SchedulePane) -> None:
        super().__init__(pane)
        self.pane = pane
        self.ids: list[int] = []
        self.last: BulkResult | None = None
        self.setObjectName("bulkBar")
        self.setStyleSheet("#bulkBar { background: #eaf2fb; }")
        self.count = QLabel()
        self.confirm_button = QPushButton("Confirm")
        self.cancel_button = QPushButton("Cancel…")
        self.reassign_button = QToolButton()
        self.reassign_button.setText("Reassign to")
        self.reassign_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.reassign_menu = QMenu(self)
        self.reassign_button.setMenu(self.reassign_menu)
        self.move_button = self._menu_button("Move", "reschedule")
        self.duplicate_button = self._menu_button("Duplicate", "duplicate")
        self.delete_button = QPushButton("Delete…")
        self.export_button = QPushButton("Export .ics…")
        self.confirm_button.clicked.connect(lambda: self.run(BulkOp("confirm")))
        self.cancel_button.clicked.connect(self.ask_cancel)
        self.delete_button.clicked.connect(self.ask_delete)
        self.export_button.clicked.connect(self.ask_export)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        for w in (self.count, self.confirm_button, self.cancel_button, self.reassign_button,
                  self.move_button, self.duplicate_button, self.delete_button, self.export_button):
            layout.addWidget(w)
        layout.addStretch(1)
        self.hide()

    def _menu_button(self, text: str, kind: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for label, days in SHIFTS:
            if kind == "duplicate" and days < 0:
                continue
            action = menu.addAction(label)
            action.triggered.connect(
                lambda _=False, d=days: self.run(BulkOp(kind, offset=timedelta(days=d))))
        button.setMenu(menu)
        return button

    def set_selection(self, ids: list[int]) -> None:
        self.ids = list(ids)
        self.count.setText(f"{len(ids)} selected")
        self.reassign_menu.clear()
        for trainer in self.pane.store.directory.sorted_trainers():
            action = self.reassign_menu.addAction(trainer.name)
            action.triggered.connect(lambda _=False, t=trainer.id: self.run(BulkOp("reassign", trainer_id=t)))
        editable = not self.pane.read_only
        for w in (self.confirm_button, self.cancel_button, self.reassign_button, self.move_button,
                  self.duplicate_button, self.delete_button):
            w.setEnabled(editable)
        self.setVisible(len(ids) > 1)

    # -- asking first ------------------------------------------------------------
    def ask_cancel(self) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Cancel sessions")
        dialog.setLabelText(f"Why are these {len(self.ids)} sessions cancelled?")
        dialog.textValueSelected.connect(
            lambda reason: self.run(BulkOp("cancel", reason=reason.strip())) if reason.strip() else None)
        dialog.open()
        return dialog

    def ask_delete(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, "Delete sessions",
                          f"Delete {len(self.ids)} sessions? Edit ▸ Undo books them again as new sessions.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.accepted.connect(lambda: self.run(BulkOp("delete")))
        box.open()
        return box

    def ask_export(self) -> QFileDialog:
        dialog = QFileDialog(self, "Export selected sessions", str(Path.home() / "sessions.ics"),
                             "iCalendar files (*.ics)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(self.export_to)
        dialog.open()
        return dialog

    def export_to(self, path: str) -> int:
        sessions = [s for i in self.ids if (s := self.pane.store.get(i)) is not None]
        directory = self.pane.store.directory
        from ..domain.ics import export_sessions  # icalendar takes a quarter second to import: not at start

        data = export_sessions(sorted(sessions, key=lambda s: s.start), calendar_name="Swan – selection",
                               trainer_name=directory.trainer_name, type_name=directory.type_name)
        Path(path).write_bytes(data)
        self.pane.editing.show_notice(f"Exported {len(sessions)} sessions to {Path(path).name}.",
                                      error=False)
        return len(sessions)

    # -- doing -------------------------------------------------------------------
    def run(self, op: BulkOp) -> None:
        if self.ids and not self.pane.read_only:
            spawn(self._run(op, list(self.ids)))

    async def _run(self, op: BulkOp, ids: list[int]) -> None:
        before = {sid: s for sid in ids if (s := self.pane.store.get(sid)) is not None}
        result = await run_bulk(op, ids, self.pane.store, self.pane.schedule_actions)
        self.last = result
        changes = bulk_changes(op, result, before, self.pane.store)
        plural = "s" if len(changes) != 1 else ""
        self.pane.editing.record_step(f"{op.describe().lower()} of {len(changes)} session{plural}", changes)
        if changes and not result.failed:
            self.pane.editing.announce(result.summary())
        else:
            self.pane.editing.show_notice(result.summary(), error=bool(result.failed))
