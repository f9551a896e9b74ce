"""Who's free: pick a day, a time and a length; see every trainer who is free then
(working hours and the schedule the desktop holds). Double-click books one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.schedule import ScheduleStore
from ...core.wallclock import resolve
from ...core.whos_free import availability
from .time_fields import DateField, TimeField


class WhosFreeDialog(QDialog):
    """Signals: ``bookRequested(trainer_id, start)`` with an aware start in the studio's zone."""

    bookRequested = Signal(int, object)

    def __init__(self, store: ScheduleStore, day: date, at: QTime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who's free")
        self.setAccessibleName("Who's free")
        self.store = store
        self.date_edit = DateField()
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.time_edit = TimeField()
        self.time_edit.setTime(at)
        self.length_spin = QSpinBox()
        self.length_spin.setRange(15, 240)
        self.length_spin.setSingleStep(15)
        self.length_spin.setValue(60)
        self.length_spin.setSuffix(" min")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Trainers")
        self.list.itemActivated.connect(self._book)
        form = QFormLayout()
        form.addRow("Day", self.date_edit)
        form.addRow("Time", self.time_edit)
        form.addRow("Length", self.length_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(QLabel("Double-click or Enter on a free trainer to book them."))
        layout.addWidget(buttons)
        self.date_edit.dateChanged.connect(self.refresh)
        self.time_edit.timeChanged.connect(self.refresh)
        self.length_spin.valueChanged.connect(self.refresh)
        self.resize(420, 420)
        self.refresh()

    def span(self) -> tuple[datetime, datetime]:
        d, t = self.date_edit.date(), self.time_edit.time()
        wall = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
        start = resolve(wall, self.store.directory.zone)
        return start, start + timedelta(minutes=self.length_spin.value())

    def refresh(self, *_args: object) -> None:
        start, end = self.span()
        rows = availability(self.store.directory, self.store, start, end)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(f"{'✓' if row.free else '–'}  {row.trainer.name} — {row.why}")
            item.setData(Qt.ItemDataRole.UserRole, row.trainer.id if row.free else None)
            if not row.free:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
        free = [r.trainer.name for r in rows if r.free]
        self.summary.setText(f"{len(free)} of {len(rows)} trainers free at {start:%H:%M}–{end:%H:%M}."
                             if rows else "No trainers in the directory.")

    def free_names(self) -> list[str]:
        start, end = self.span()
        return [r.trainer.name for r in availability(self.store.directory, self.store, start, end) if r.free]

    def _book(self, item: QListWidgetItem) -> None:
        trainer_id = item.data(Qt.ItemDataRole.UserRole)
        if trainer_id is not None:
            self.bookRequested.emit(int(trainer_id), self.span()[0])
            self.accept()
