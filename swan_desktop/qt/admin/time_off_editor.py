"""A trainer's time off: the planned days away, with Add and Remove.

Each change is its own request (``timeoff.add`` / ``timeoff.remove``) and is
shown as soon as the server has it; the list follows the directory, so a
change made on another desktop appears here too. It lists what the server
keeps on the trainer: time off that ended within the past year, and ahead.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.admin import AdminClient
from ...core.outcomes import FAILURES
from ...protocol.entities import TimeOff
from ...protocol.messages import MAX_NAME
from ..settings_pages.form import error
from ..tasks import spawn
from .field_errors import FieldErrors

ID_ROLE = Qt.ItemDataRole.UserRole


def describe(entry: TimeOff) -> str:
    first, last = date.fromisoformat(entry.start), date.fromisoformat(entry.end)
    span = f"{first:%a %d %b %Y}" if first == last else f"{first:%a %d %b} – {last:%a %d %b %Y}"
    return f"{span}{f' — {entry.reason}' if entry.reason else ''}"


class TimeOffEditor(QWidget):
    def __init__(self, admin: AdminClient, trainer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = admin
        self.trainer_id = trainer_id
        self.list = QListWidget()
        self.list.setAccessibleName("Time off")
        self.list.setMaximumHeight(110)
        today = QDate.currentDate()
        self.first = QDateEdit(today)
        self.last = QDateEdit(today)
        for edit, name in ((self.first, "First day away"), (self.last, "Last day away")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy")
            edit.setAccessibleName(name)
        self.first.dateChanged.connect(lambda d: self.last.setDate(max(d, self.last.date())))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason (optional)")
        self.reason.setAccessibleName("Reason")
        self.reason.setMaxLength(MAX_NAME)
        self.reason.setMinimumWidth(150)
        self.add_button = QPushButton("Add time off")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setEnabled(False)
        self.list.currentRowChanged.connect(lambda row: self.remove_button.setEnabled(row >= 0))
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.errors = FieldErrors(error())
        entry = QHBoxLayout()
        entry.addWidget(QLabel("From"))
        entry.addWidget(self.first)
        entry.addWidget(QLabel("to"))
        entry.addWidget(self.last)
        entry.addWidget(self.reason, 1)
        entry.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(entry)
        row = QHBoxLayout()
        row.addWidget(self.errors.general, 1)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self.errors.clear()
        self.refresh()

    def entries(self) -> tuple[TimeOff, ...]:
        trainer = self.admin.feed.directory.trainers.get(self.trainer_id)
        return trainer.time_off if trainer else ()

    def refresh(self) -> None:
        current = [self.list.item(i).data(ID_ROLE) for i in range(self.list.count())]
        entries = self.entries()
        if current == [e.id for e in entries]:
            return
        self.list.clear()
        for e in entries:
            item = QListWidgetItem(describe(e))
            item.setData(ID_ROLE, e.id)
            self.list.addItem(item)
        if not entries:
            self.remove_button.setEnabled(False)

    def add(self) -> None:
        self.errors.clear()
        first = self.first.date().toString("yyyy-MM-dd")
        last = self.last.date().toString("yyyy-MM-dd")
        spawn(self._run(self._add(first, last, self.reason.text().strip())))

    async def _add(self, first: str, last: str, reason: str) -> None:
        _, booked = await self.admin.take_time_off(self.trainer_id, first, last, reason)
        if booked:  # they stay booked: said where the time off was added, until the next change
            sessions = f"{booked} booked session{'s' if booked != 1 else ''}"
            self.errors.say(f"{sessions} on {'that day' if first == last else 'those days'} "
                            f"{'stays' if booked == 1 else 'stay'} booked: reassign or cancel "
                            f"{'it' if booked == 1 else 'them'} in the schedule.")

    def remove(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.errors.clear()
        spawn(self._run(self.admin.remove_time_off(int(item.data(ID_ROLE)), self.trainer_id)))

    async def _run(self, request: Awaitable[object]) -> None:
        self.add_button.setEnabled(False)
        try:
            await request
        except FAILURES as exc:
            self.errors.show(exc)
        else:
            self.reason.clear()
        finally:
            self.add_button.setEnabled(True)
            self.refresh()
