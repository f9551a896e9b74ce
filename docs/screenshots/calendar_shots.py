"""Render the calendar's dialogs offscreen and save PNGs next to this file.

    .venv/bin/python docs/screenshots/calendar_shots.py

Produces repeat.png (the session editor with a weekly repeat on two days) and
free-slots.png (the free-slot finder with a week's results).
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QDate
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from swan_desktop.core.directory import Directory
from swan_desktop.protocol.entities import Client, Location, Session, SessionType, Trainer
from swan_desktop.qt.dialogs.free_slot_dialog import FreeSlotDialog, hours_from_wire
from swan_desktop.qt.dialogs.repeat_control import WEEKLY
from swan_desktop.qt.dialogs.session_dialog import SessionDialog

OUT = Path(__file__).resolve().parent
ZONE = ZoneInfo("Europe/Lisbon")


class _NoActions:
    async def create_session(self, fields: dict[str, Any], *, allow_overlap: bool = False) -> Session:
        raise NotImplementedError


def _directory() -> Directory:
    return Directory(
        trainers={1: Trainer(1, "Ana Ribeiro"), 2: Trainer(2, "Ben Ortiz")},
        clients={5: Client(5, "Mia Costa", 0), 6: Client(6, "Leo Santos", 6)},
        session_types={1: SessionType(1, "Personal training", 60)},
        locations=[Location(1, "Studio A"), Location(2, "Studio B")],
    )


def repeat_shot(app: QApplication) -> None:
    actions: Any = _NoActions()
    actions.calendar = object()
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    start = datetime(monday.year, monday.month, monday.day, 7, 0).astimezone()
    dialog = SessionDialog(_directory(), actions, None, start=start, trainer_id=1)
    form = dialog.form
    form.client_combo.setCurrentIndex(form.client_combo.findData(6))
    form.location_combo.setEditText("Studio A")
    form.repeat.set_kind(WEEKLY)
    form.repeat.day_boxes[3].setChecked(True)
    form.repeat.count_spin.setValue(16)
    dialog.resize(600, dialog.sizeHint().height())
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(OUT / "repeat.png"))


def free_slot_shot(app: QApplication) -> None:
    monday = date.today() + timedelta(days=7 - date.today().weekday())

    def at(day: int, hour: int) -> datetime:
        d = monday + timedelta(days=day)
        return datetime(d.year, d.month, d.day, hour, tzinfo=ZONE).astimezone(UTC)

    busy = [Session(id=i, start=at(d, h), end=at(d, h + 1), trainer_id=1)
            for i, (d, h) in enumerate([(0, 9), (0, 10), (0, 14), (1, 9), (1, 11), (1, 12), (2, 15)])]

    async def fetch(trainer_id: int, first: date, last: date) -> tuple[Any, list[Session]]:
        hours = [{"weekday": d, "start": "09:00", "end": "13:00"} for d in range(5)]
        hours += [{"weekday": d, "start": "14:00", "end": "18:00"} for d in (0, 2)]
        return hours_from_wire(hours), busy

    dialog = FreeSlotDialog(_directory(), fetch, ZONE, trainer_id=1)
    last = monday + timedelta(days=2)
    dialog.from_edit.setDate(QDate(monday.year, monday.month, monday.day))
    dialog.to_edit.setDate(QDate(last.year, last.month, last.day))
    asyncio.run(dialog._search())
    dialog.slot_list.setCurrentRow(2)
    dialog.resize(460, 520)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(OUT / "free-slots.png"))


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setFont(QFont("DejaVu Sans", 10))
    repeat_shot(app)
    free_slot_shot(app)


if __name__ == "__main__":
    main()
