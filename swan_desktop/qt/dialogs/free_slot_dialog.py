""""Find a free slot": a trainer, a duration and a date range in; the free slots inside the
trainer's working hours out, found with ``domain.availability.free_slots`` against the trainer's
sessions. Double-clicking a slot asks for a new session there (``bookRequested``)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.directory import Directory
from ...core.wallclock import in_zone
from ...domain.availability import Hours, WeeklyHours, free_slots
from ...protocol.entities import OCCUPYING, Session
from ..style import ERROR_TEXT
from ..tasks import spawn

log = logging.getLogger(__name__)

#: Loads (working hours, sessions) of a trainer for local days ``first``..``last``.
Fetch = Callable[[int, date, date], Awaitable[tuple[WeeklyHours, list[Session]]]]


def hours_from_wire(items: list[dict[str, Any]]) -> dict[int, tuple[Hours, ...]]:
    out: dict[int, list[Hours]] = {}
    for item in items:
        out.setdefault(int(item["weekday"]), []).append(
            Hours(time.fromisoformat(item["start"]), time.fromisoformat(item["end"])))
    return {day: tuple(h) for day, h in out.items()}


def _day(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class FreeSlotDialog(QDialog):
    """Signals: ``bookRequested(trainer_id, start)`` (a local aware datetime), ``searched(int)``."""

    bookRequested = Signal(int, object)
    searched = Signal(int)

    def __init__(self, directory: Directory, fetch: Fetch, zone: ZoneInfo, *,
                 trainer_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._zone = zone
        self.setWindowTitle("Find a free slot")
        self.setMinimumSize(440, 420)
        self.trainer_combo = QComboBox()
        for t in directory.sorted_trainers():
            self.trainer_combo.addItem(t.name, t.id)
        if trainer_id is not None:
            self.trainer_combo.setCurrentIndex(max(0, self.trainer_combo.findData(trainer_id)))
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(15, 240)
        self.duration_spin.setSingleStep(15)
        self.duration_spin.setValue(60)
        self.duration_spin.setSuffix(" min")
        today = QDate.currentDate()
        self.from_edit = QDateEdit(today)
        self.to_edit = QDateEdit(today.addDays(6))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy")
        self.find_button = QPushButton("Find slots")
        self.find_button.setDefault(True)
        self.find_button.clicked.connect(self.search)
        self.status = QLabel("Choose a trainer, a length and the days to look in.")
        self.status.setWordWrap(True)
        self.slot_list = QListWidget()
        self.slot_list.setUniformItemSizes(True)
        self.slot_list.setAccessibleName("Free slots")
        self.slot_list.itemDoubleClicked.connect(self._book)
        hint = QLabel("Double-click a slot to book it.")
        hint.setStyleSheet("color: palette(placeholder-text);")

        form = QFormLayout()
        form.addRow("Trainer", self.trainer_combo)
        form.addRow("Length", self.duration_spin)
        days = QHBoxLayout()
        days.addWidget(self.from_edit)
        days.addWidget(QLabel("to"))
        days.addWidget(self.to_edit)
        form.addRow("Days", days)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.find_button)
        layout.addLayout(row)
        layout.addWidget(self.slot_list, 1)
        layout.addWidget(hint)

    def slots(self) -> list[datetime]:
        return [self.slot_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.slot_list.count())]

    def search(self) -> None:
        spawn(self._search())

    async def _search(self) -> None:
        trainer_id = self.trainer_combo.currentData()
        first = _day(self.from_edit.date())
        last = _day(self.to_edit.date())
        if trainer_id is None or last < first:
            self._say("Choose a trainer, and a last day on or after the first.", error=True)
            return
        self.find_button.setEnabled(False)
        self._say("Looking…")
        try:
            hours, sessions = await self._fetch(int(trainer_id), first, last)
        except Exception as exc:
            log.exception("loading the trainer's week failed")
            self._say(f"Could not load the trainer's sessions: {exc}", error=True)
            return
        finally:
            self.find_button.setEnabled(True)
        busy = [(s.start, s.end) for s in sessions if s.status in OCCUPYING]
        length = timedelta(minutes=self.duration_spin.value())
        found = free_slots(hours, busy, length, first, last, self._zone,
                           not_before=datetime.now(UTC))
        self.slot_list.clear()
        for start, end in found:
            local_start, local_end = in_zone(start, self._zone), in_zone(end, self._zone)
            item = QListWidgetItem(f"{local_start:%a %d %b}   {local_start:%H:%M}–{local_end:%H:%M}")
            item.setData(Qt.ItemDataRole.UserRole, local_start)
            self.slot_list.addItem(item)
        if not hours:
            name = self.trainer_combo.currentText()
            self._say(f"{name} has no working hours set; ask an admin to set them.", error=True)
        elif not found:
            self._say("No free slot of that length in those days.")
        else:
            self._say(f"{len(found)} free slot{'s' if len(found) != 1 else ''}"
                      f"{' (the first 50)' if len(found) >= 50 else ''}.")
        self.searched.emit(len(found))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {ERROR_TEXT};" if error else "")

    def _book(self, item: QListWidgetItem) -> None:
        self.bookRequested.emit(int(self.trainer_combo.currentData()), item.data(Qt.ItemDataRole.UserRole))
