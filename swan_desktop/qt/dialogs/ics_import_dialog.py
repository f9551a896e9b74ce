"""Import an .ics file: pick the trainer and whether events become blocked time
or sessions, see every row with its clashes, what cannot be imported and why,
and what the reader decided (a note per row); then import the rest, all or
nothing."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.actions import ScheduleActions
from ...core.ics_import import AS_BLOCKED, AS_SESSIONS, ImportFailed, ImportPlan, apply_plan, plan_import
from ...core.schedule import ScheduleStore
from ...domain.ics import IcsError
from ...domain.overlap import describe
from ..session_text import local
from ..tasks import spawn

CLASH_INK = QColor("#b3261e")


class IcsImportDialog(QDialog):
    imported = Signal(int)  # how many were created

    def __init__(self, data: bytes, file_name: str, store: ScheduleStore, actions: ScheduleActions,
                 studio_tz: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {file_name}")
        self.setObjectName("icsImportDialog")
        self.resize(760, 480)
        self._data, self._store, self._actions, self._tz = data, store, actions, studio_tz
        self.plan: ImportPlan | None = None
        self.trainer_combo = QComboBox()
        for t in store.directory.sorted_trainers():
            self.trainer_combo.addItem(t.name, t.id)
        self.mode_combo = QComboBox()
        self.mode_combo.addItem("Blocked time (trainer unavailable)", AS_BLOCKED)
        self.mode_combo.addItem("Sessions", AS_SESSIONS)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["When", "Event", "Clash", "Note"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Trainer", self.trainer_combo)
        form.addRow("Import as", self.mode_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.trainer_combo.currentIndexChanged.connect(self.refresh)
        self.mode_combo.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        trainer_id = self.trainer_combo.currentData()
        try:
            self.plan = plan_import(self._data, self._store, int(trainer_id or 0),
                                    self.mode_combo.currentData(), self._tz)
        except IcsError as exc:
            self.plan = None
            self.summary.setText(str(exc))
            self.table.setRowCount(0)
            self.import_button.setEnabled(False)
            return
        plan = self.plan
        name = self._store.directory.trainer_name(plan.trainer_id)
        self.table.setRowCount(len(plan.items))
        for row, item in enumerate(plan.items):
            e = item.event
            start, end = local(e.start, self._tz), local(e.end, self._tz)  # the studio's wall clock
            when = (f"{start:%a %d %b} (all day)" if e.all_day
                    else f"{start:%a %d %b %H:%M}–{end:%H:%M}")
            clash = item.problem or "; ".join(describe(c, name, self._tz) for c in item.clashes) or "free"
            cells = [QTableWidgetItem(when), QTableWidgetItem(e.summary), QTableWidgetItem(clash),
                     QTableWidgetItem("; ".join(item.notes))]
            if not item.ok:
                for cell in cells:
                    cell.setForeground(CLASH_INK)
            for col, cell in enumerate(cells):
                self.table.setItem(row, col, cell)
        ok = len(plan.items) - len(plan.clashing)
        skipped = f" {len(plan.calendar.skipped)} left out: " + "; ".join(plan.calendar.skipped) \
            if plan.calendar.skipped else ""
        self.summary.setText(f"{len(plan.items)} rows for {name}: {ok} can be imported, "
                             f"{len(plan.clashing)} clash or cannot be imported and will be left out."
                             f"{skipped}")
        self.import_button.setText(f"Import {ok}")
        self.import_button.setEnabled(ok > 0)

    def start_import(self) -> None:
        if self.plan is not None:
            self.import_button.setEnabled(False)
            spawn(self._import(self.plan))

    async def _import(self, plan: ImportPlan) -> None:
        try:
            made = await apply_plan(plan, self._actions)
        except ImportFailed as failed:
            self.summary.setText(str(failed))
            self.refresh()  # the preview again, against the schedule as it is now
            self.summary.setText(f"{failed} {self.summary.text()}")
            return
        self.imported.emit(len(made))
        self.accept()

    def row_texts(self, row: int) -> list[str]:
        return [(cell.text() if (cell := self.table.item(row, c)) is not None else "")
                for c in range(self.table.columnCount())]

    def clash_rows(self) -> list[int]:
        return [r for r in range(self.table.rowCount())
                if (cell := self.table.item(r, 2)) is not None and cell.foreground().color() == CLASH_INK]
