"""The calendar in the editor: the repeat control with its occurrence count and cap, the
non-modal "this / this and following / the whole series" question, the client's credits with a
warning at zero, an outside-hours refusal with "Book anyway", and the free-slot finder.

The editor acts through boss's real desktop (``StudioClient``, with its ``CalendarClient``) on a
real server holding the sample studio (conftest.py); credits, working hours and sessions are put
on that server through its own requests, and what the widgets show comes from it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.qt.dialogs.repeat_control import DAILY, WEEKLY
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.schedule_menu import ScheduleMenu
from tests.support.poll import until
from tests.support.qt import next_emission
from tests.support.sample import DAY, at
from tests.support.sample_studio import SampleStudio

from .live_desk import editor


def test_weekly_on_two_days_shows_how_many_occurrences_and_the_cap(qtbot, desk) -> None:
    d = editor(qtbot, desk, start=at(DAY, 10), trainer_id=1)
    assert d.form.repeat.isVisible()
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


def test_a_daily_rule_cannot_ask_for_more_than_the_cap(qtbot, desk) -> None:
    d = editor(qtbot, desk, start=at(DAY, 10), trainer_id=1)
    d.form.repeat.set_kind(DAILY)
    d.form.repeat.count_spin.setValue(400)
    assert d.form.repeat.count_spin.value() == 52
    assert len(d.form.repeat.occurrences()) == 52


async def test_the_clients_credits_show_with_a_warning_at_zero(qtbot, desk, sample: SampleStudio) -> None:
    dana, eli = sample.clients["Dana Whitfield"], sample.clients["Eli Novak"]
    clients = desk.store.directory.clients
    dana_had, eli_had = clients[dana].credits, clients[eli].credits
    rosa = await sample.sign_in_rosa()  # Dana buys 8 credits at the front desk; Eli's run out
    await rosa.ok("credits.adjust", {"client_id": dana, "delta": 8, "reason": "ten-pack, two used"})
    if eli_had:
        await rosa.ok("credits.adjust", {"client_id": eli, "delta": -eli_had, "reason": "package expired"})
    await until(lambda: clients[dana].credits == dana_had + 8 and clients[eli].credits == 0,
                what="the new balances reaching boss's desktop")
    d = editor(qtbot, desk, start=at(DAY, 16), trainer_id=1)
    d.form.client_combo.setCurrentIndex(d.form.client_combo.findData(dana))
    assert d.form.credits_label.text() == f"{dana_had + 8} credits left in the package"
    d.form.client_combo.setCurrentIndex(d.form.client_combo.findData(eli))
    assert d.form.credits_label.text().startswith("⚠ No credits left (0)")


async def test_free_slots_are_listed_and_a_double_click_asks_to_book(qtbot, desk, desk_pane,
                                                                    sample) -> None:
    """Ana works Monday mornings and has a session at 10:00 next Monday, both on the server; the
    finder (opened from the Schedule menu) asks the server for them."""
    rosa = await sample.sign_in_rosa()
    await rosa.ok("availability.set", {"trainer_id": 1, "hours": [
        {"weekday": 0, "start": "09:00", "end": "13:00"}]})
    zone = ZoneInfo((await rosa.ok("availability.get", {}))["timezone"])
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    await rosa.ok("session.create", {"start": format_ts(_utc(monday, 10, zone)),
                                     "end": format_ts(_utc(monday, 11, zone)), "trainer_id": 1,
                                     "client_name": "Dana Whitfield"})
    window = MainWindow(desk_pane)
    qtbot.addWidget(window)
    menu = ScheduleMenu(window, desk_pane, desk)
    opened = next_emission(menu.finderOpened)
    menu.find_action.trigger()
    (dialog,) = await opened
    dialog.trainer_combo.setCurrentIndex(dialog.trainer_combo.findData(1))
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
    dialog.reject()


def _utc(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone).astimezone(UTC)
