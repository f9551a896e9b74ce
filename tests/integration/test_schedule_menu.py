"""The Schedule menu against the real server: find a free slot in a trainer's
working hours and book it through a pre-filled editor; check a session in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate

from swan_desktop.core.client import StudioClient
from tests.support.poll import until
from tests.support.qt import next_emission

from .support import window_with_menu

FAR = date(2033, 5, 2)  # a Monday well clear of the demo schedule


async def test_a_free_slot_is_found_in_working_hours_and_booked_in_a_prefilled_editor(qtbot,
                                                                                     sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    await boss.link.request("availability.set", {"trainer_id": 1, "hours": [
        {"weekday": 0, "start": "09:00", "end": "12:00"}]})
    settings = await boss.link.request("availability.get", {"trainer_id": 1})
    zone = settings["timezone"]
    busy_start = datetime.fromisoformat(f"{FAR}T10:00:00").replace(tzinfo=ZoneInfo(zone))
    await boss.create_session({"start": busy_start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                               "end": (busy_start + timedelta(hours=1)).astimezone(UTC).strftime(
                                   "%Y-%m-%dT%H:%M:%SZ"), "trainer_id": 1, "client_name": "Busy"})
    _window, pane, menu = await window_with_menu(qtbot, boss)
    opened = next_emission(menu.finderOpened, timeout=5)
    menu.find_action.trigger()
    (finder,) = await opened
    finder.trainer_combo.setCurrentIndex(finder.trainer_combo.findData(1))
    finder.from_edit.setDate(QDate(FAR.year, FAR.month, FAR.day))
    finder.to_edit.setDate(QDate(FAR.year, FAR.month, FAR.day))
    searched = next_emission(finder.searched, timeout=5)
    finder.search()
    assert (await searched)[0] == 2  # 09:00 and 11:00; 10:00 is taken
    slots = finder.slots()
    assert [f"{s:%H:%M}" for s in slots] == ["09:00", "11:00"]
    menu.book(1, slots[1])
    editor = pane.editor
    assert editor is not None and editor.isVisible()
    assert editor.form.start_edit.time().toString("HH:mm") == "11:00"
    assert editor.form.start_edit.time().secsTo(editor.form.end_edit.time()) == 60 * 60
    editor.reject()


async def test_checking_a_session_in_is_recorded_on_the_server(qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    start = datetime(2033, 5, 3, 9, tzinfo=UTC)
    session = await boss.create_session({"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                         "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                         "trainer_id": 2, "client_id": 1, "status": "scheduled"},
                                        allow_overlap=True)
    _window, pane, menu = await window_with_menu(qtbot, boss)
    pane.set_date(start.astimezone().date())
    pane.select_session(session.id)
    pane.sessionSelected.emit(session.id)
    assert menu.checkin_actions["late"].isEnabled()
    menu.checkin_actions["late"].trigger()
    await until(lambda: "Checked in: Late." in pane.editing.notice.text())
    checked = boss.store.get(session.id)
    assert checked is not None and checked.attendance == "late" and checked.checked_in_at is not None


async def test_viewers_are_not_offered_feeds_or_check_in(qtbot, sign_in) -> None:
    vic: StudioClient = await sign_in("vic")
    _window, pane, menu = await window_with_menu(qtbot, vic)
    assert pane.read_only
    assert not menu.feeds_action.isEnabled()
    assert not any(a.isEnabled() for a in menu.checkin_actions.values())
    pane.set_read_only(False)  # e.g. promoted while signed in
    assert menu.feeds_action.isEnabled()
