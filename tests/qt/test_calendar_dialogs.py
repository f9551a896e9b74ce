"""The calendar in the editor: the repeat control with its occurrence count and cap, the
non-modal "this / this and following / the whole series" question, the client's credits with a
warning at zero, an outside-hours refusal with "Book anyway", and the free-slot finder."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate

from swan_desktop.core.directory import Directory
from swan_desktop.protocol.entities import Client, Session, Trainer
from swan_desktop.qt.dialogs.free_slot_dialog import FreeSlotDialog, hours_from_wire
from swan_desktop.qt.dialogs.repeat_control import DAILY, WEEKLY
from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from tests.support.qt import next_emission
from tests.support.sample import DAY, at, session


class RecordingCalendar:
    """Stands in for the live CalendarClient (its server side is tested in tests/studio_calendar)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def create_series(self, fields: dict[str, Any], rrule: str, *, allow_overlap: bool = False,
                            tz: str | None = None) -> list[Session]:
        self.calls.append(("series", {"fields": fields, "rrule": rrule}))
        return [Session.from_wire({**fields, "id": 500, "series_id": 9})]

    async def update_scoped(self, session_id: int, version: int, changes: dict[str, Any], scope: str, *,
                            allow_overlap: bool = False) -> list[Session]:
        self.calls.append(("update", {"id": session_id, "changes": changes, "scope": scope}))
        return [session(session_id, 1, 9, series_id=9)]


def _editor(qtbot, store, actions, s: Session | None = None, **kw: Any) -> SessionDialog:
    actions.calendar = RecordingCalendar()
    dialog = SessionDialog(store.directory, actions, s, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_weekly_on_two_days_shows_how_many_occurrences_and_the_cap(qtbot, store, actions) -> None:
    d = _editor(qtbot, store, actions, start=at(DAY, 10), trainer_id=1)
    repeat = d.form.repeat
    repeat.set_kind(WEEKLY)
    for box in repeat.day_boxes:
        box.setChecked(False)
    repeat.day_boxes[0].setChecked(True)
    repeat.day_boxes[3].setChecked(True)
    repeat.count_spin.setValue(12)
    assert repeat.rule() == "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12"
    assert repeat.summary.text().startswith("12 occurrences, the last on ")
    assert "at most 52 occurrences and 12 months" in repeat.summary.text()


def test_a_daily_rule_cannot_ask_for_more_than_the_cap(qtbot, store, actions) -> None:
    d = _editor(qtbot, store, actions, start=at(DAY, 10), trainer_id=1)
    d.form.repeat.set_kind(DAILY)
    d.form.repeat.count_spin.setValue(400)
    assert d.form.repeat.count_spin.value() == 52
    assert len(d.form.repeat.occurrences()) == 52


def test_the_clients_credits_show_with_a_warning_at_zero(qtbot, store, actions) -> None:
    store.directory.clients[11] = Client(11, "Eli Novak", 0)
    d = _editor(qtbot, store, actions, start=at(DAY, 16), trainer_id=1)
    d.form.client_combo.setCurrentIndex(d.form.client_combo.findData(10))
    assert d.form.credits_label.text() == "8 credits left in the package"
    d.form.client_combo.setCurrentIndex(d.form.client_combo.findData(11))
    assert d.form.credits_label.text().startswith("⚠ No credits left (0)")


async def test_free_slots_are_listed_and_a_double_click_asks_to_book(qtbot) -> None:
    zone = ZoneInfo("Europe/Lisbon")
    directory = Directory(trainers={1: Trainer(1, "Ana Kowalski")})
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    busy = session(1, 1, 9).with_changes(start=_utc(monday, 10, zone), end=_utc(monday, 11, zone))

    async def fetch(trainer_id: int, first: date, last: date) -> tuple[Any, list[Session]]:
        return hours_from_wire([{"weekday": 0, "start": "09:00", "end": "13:00"}]), [busy]

    dialog = FreeSlotDialog(directory, fetch, zone, trainer_id=1)
    qtbot.addWidget(dialog)
    dialog.from_edit.setDate(QDate(monday.year, monday.month, monday.day))
    dialog.to_edit.setDate(QDate(monday.year, monday.month, monday.day))
    found = next_emission(dialog.searched)
    dialog.search()
    assert (await found)[0] == 3
    assert [f"{s:%H:%M}" for s in dialog.slots()] == ["09:00", "11:00", "12:00"]
    asked = asyncio.ensure_future(next_emission(dialog.bookRequested))
    await asyncio.sleep(0)  # let it connect
    dialog.slot_list.itemDoubleClicked.emit(dialog.slot_list.item(1))
    trainer_id, start = await asked
    assert trainer_id == 1 and f"{start:%H:%M}" == "11:00"



def _utc(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)
