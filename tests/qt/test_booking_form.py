"""The booking form as the front desk types into it: times typed in any usual way,
a date field Tab leaves at once, clashes named as fields change and cleared when
fixed, free alternatives one click away, and "Save anyway" behind a question.

The form books through a real desktop (boss's ``StudioClient``, or Ana's for a trainer) on a
real server holding the sample studio (conftest.py): the refusals are that server's own, and
what a booking did is read back from the server. Keys and clicks go to the real widgets; clash
checks are run by awaiting the watch's ``checked`` signal (no timed assertions).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QApplication

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.dialogs.clash_watch import ClashWatch
from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from swan_desktop.qt.dialogs.time_text import parse_time_text
from swan_desktop.server.store import Store
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.qt import next_emission
from tests.support.sample import DAY, at
from tests.support.sample_studio import SampleStudio, loaded

from .live_desk import Sent, as_stored


def new_booking(qtbot, desktop: StudioClient, hour: int = 16, **kw) -> SessionDialog:
    """A new-session form on ``desktop`` (its store, acting through it) starting at ``hour``."""
    dialog = SessionDialog(desktop.store.directory, desktop, None, start=at(DAY, hour), store=desktop.store,
                           **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def stored_sessions(sample: SampleStudio) -> int:
    """How many sessions the server holds."""
    return int(sample.server.server.store.submit(Store.count, "sessions"))


def type_into_time(qtbot, field, text: str) -> None:
    line = field.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


@pytest.mark.parametrize(("typed", "expected"), [
    ("10", (10, 0)), ("10:30", (10, 30)), ("1030", (10, 30)), ("930", (9, 30)), ("2pm", (14, 0)),
    ("2:45 pm", (14, 45)), ("12am", (0, 0)), ("10.15", (10, 15)), ("25", None), ("soon", None)])
def test_typed_times_are_read_as_people_write_them(typed, expected) -> None:
    assert parse_time_text(typed) == expected


@pytest.mark.parametrize(("typed", "shown"), [("10", "10:00"), ("10:30", "10:30"), ("1030", "10:30"),
                                             ("2pm", "14:00")])
def test_the_start_field_takes_typed_times_and_moves_the_end(qtbot, desk, typed, shown) -> None:
    d = new_booking(qtbot, desk)
    type_into_time(qtbot, d.form.start_edit, typed)
    assert d.form.start_edit.currentText() == shown
    assert d.form.start_edit.time().secsTo(d.form.end_edit.time()) == 60 * 60


def test_a_typo_in_a_time_is_said_and_the_time_kept(qtbot, desk) -> None:
    d = new_booking(qtbot, desk)
    type_into_time(qtbot, d.form.start_edit, "half ten")
    assert d.form.start_edit.currentText() == "16:00"
    assert "10:30" in d.form.error_text("start")
    type_into_time(qtbot, d.form.start_edit, "17")
    assert d.form.error_text("start") == ""


def test_arrow_keys_step_a_quarter_hour_and_the_dropdown_lists_quarters(qtbot, desk) -> None:
    d = new_booking(qtbot, desk)
    field = d.form.start_edit
    qtbot.keyClick(field.lineEdit(), Qt.Key.Key_Down)
    assert field.currentText() == "16:15"
    qtbot.keyClick(field.lineEdit(), Qt.Key.Key_Up)
    qtbot.keyClick(field.lineEdit(), Qt.Key.Key_Up)
    assert field.currentText() == "15:45"
    assert field.count() == 96 and field.itemText(41) == "10:15"
    field.activated.emit(42)  # picking 10:30 from the list
    assert field.time() == QTime(10, 30)


def test_tab_leaves_the_date_field_in_one_press(qtbot, desk) -> None:
    d = new_booking(qtbot, desk)
    d.activateWindow()
    d.form.date_edit.setFocus()
    qtbot.waitUntil(lambda: d.form.date_edit.hasFocus())
    before = d.form.date_edit.date()
    qtbot.keyClick(d.form.date_edit, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None and focused is not d.form.date_edit
    assert d.form.start_edit.isAncestorOf(focused) or focused is d.form.start_edit
    qtbot.keyClicks(focused, "10")
    assert d.form.date_edit.date() == before


async def test_a_trainer_clash_is_named_and_cleared_when_the_time_is_fixed(qtbot, desk) -> None:
    d = new_booking(qtbot, desk)
    combo = d.form.trainer_combo
    combo.setCurrentIndex(combo.findData(1))  # Ana Kowalski
    type_into_time(qtbot, d.form.start_edit, "9:30")
    await next_emission(watch(d).checked)
    assert "Ana Kowalski already has Dana Whitfield" in d.form.error_text("trainer_id")
    type_into_time(qtbot, d.form.start_edit, "12")
    await next_emission(watch(d).checked)
    assert d.form.error_text("trainer_id") == ""
    assert not d.alternatives_bar.isVisible()


async def test_switching_room_clears_the_old_rooms_error(qtbot, desk) -> None:
    d = new_booking(qtbot, desk)
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(3))  # Chloe, free at 9
    d.form.location_combo.setEditText("Studio B")  # Ben's 09:00 is in Studio B
    type_into_time(qtbot, d.form.start_edit, "9")
    await next_emission(watch(d).checked)
    assert "Studio B is taken" in d.form.error_text("location")
    assert d.form.error_text("trainer_id") == ""
    d.form.location_combo.setEditText("Studio A")  # Ana's 09:00 is in Studio A
    await next_emission(watch(d).checked)
    assert "Studio A is taken" in d.form.error_text("location")
    d.form.location_combo.setEditText("Studio C")
    await next_emission(watch(d).checked)
    assert d.form.error_text("location") == ""


async def test_a_room_that_holds_two_sessions_is_free_beside_one_and_full_beside_two(qtbot, desk) -> None:
    """Studio B made a floor for two: Ben's 09:00 there leaves room for Chloe's; the dialog says
    nothing where the server would accept it, and says the room is full where it would not."""
    [studio_b] = [r for r in desk.store.directory.locations if r.name == "Studio B"]
    await desk.link.request("room.update", {"id": studio_b.id, "changes": {"sessions_at_once": 2}})
    await until(lambda: desk.store.directory.rooms_at_once() == {"studio b": 2}, what="the room's news")
    d = new_booking(qtbot, desk)
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(3))  # Chloe, free at 9
    d.form.location_combo.setEditText("Studio B")  # Ben's 09:00 is in Studio B
    type_into_time(qtbot, d.form.start_edit, "9")
    await next_emission(watch(d).checked)
    assert d.form.error_text("location") == "" and d.form.error_text("trainer_id") == ""
    await desk.link.request("room.update", {"id": studio_b.id, "changes": {"sessions_at_once": 1}})
    await until(lambda: desk.store.directory.rooms_at_once() == {}, what="the room back to one")
    watch(d).check_now()
    assert "Studio B is taken" in d.form.error_text("location")


async def test_free_alternatives_are_one_click_away(qtbot, desk) -> None:
    d = new_booking(qtbot, desk)
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(1))
    type_into_time(qtbot, d.form.start_edit, "9")
    await next_emission(watch(d).checked)
    labels = [b.text() for b in d.alternatives_bar.buttons]
    assert d.alternatives_bar.isVisible() and 1 <= len(labels) <= 3
    assert "Chloe Park at 09:00" in labels  # another trainer at this time
    assert any(label.endswith("with Ana Kowalski") for label in labels)  # another time for Ana
    other = next(b for b in d.alternatives_bar.buttons if b.text() == "Chloe Park at 09:00")
    qtbot.mouseClick(other, Qt.MouseButton.LeftButton)
    assert d.form.trainer_combo.currentData() == 3
    assert d.form.error_text("trainer_id") == "" and not d.alternatives_bar.isVisible()


async def test_save_anyway_is_for_admins_and_asks_who_is_double_booked(
        qtbot, desk: StudioClient, sent: Sent, sample: SampleStudio) -> None:
    sessions_before = stored_sessions(sample)
    d = new_booking(qtbot, desk, can_override=True)
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(1))
    type_into_time(qtbot, d.form.start_edit, "9")
    await next_emission(watch(d).checked)
    assert d.save_anyway_button.isVisible()
    qtbot.mouseClick(d.save_anyway_button, Qt.MouseButton.LeftButton)
    box = d.override_box
    assert box is not None and "Ana Kowalski already has Dana Whitfield" in box.text()
    assert sent == []  # nothing sent before the answer
    next(b for b in box.buttons() if b.text() == "Book anyway").click()
    (saved,) = await next_emission(d.saved)
    ((name, payload),) = sent
    assert name == "session.create" and payload["allow_overlap"] is True and saved.trainer_id == 1
    # booked over the clash: the server holds it next to Dana's 09:00 with Ana
    assert stored_sessions(sample) == sessions_before + 1
    assert as_stored(sample, saved.id) == saved and saved.start == at(DAY, 9)
    assert (as_stored(sample, 1).trainer_id, as_stored(sample, 1).start) == (1, at(DAY, 9))


async def test_a_trainer_sees_the_clash_but_no_save_anyway(qtbot, sample: SampleStudio,
                                                         sign_in: SignIn) -> None:
    ana = await loaded(await sign_in("ana"))  # a trainer's desktop
    sessions_before = stored_sessions(sample)
    d = new_booking(qtbot, ana, can_override=False)
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(1))
    type_into_time(qtbot, d.form.start_edit, "9")
    await next_emission(watch(d).checked)
    assert d.form.error_text("trainer_id")
    assert not d.save_anyway_button.isVisible()
    d.save()  # the server refuses the trainer's booking over the clash too
    await next_emission(d.idle)
    assert "Ana Kowalski already has Dana Whitfield" in d.form.error_text("start")
    assert not d.save_anyway_button.isVisible()
    assert stored_sessions(sample) == sessions_before


async def test_after_booking_the_view_shows_and_highlights_it_with_an_undo(
        qtbot, desk_pane, desk: StudioClient, sample: SampleStudio) -> None:
    pane = desk_pane
    pane.set_view("month")
    dialog = pane.open_new(trainer_id=3, start=at(DAY, 17))
    dialog.form.client_combo.setEditText("Eli Novak")
    announced = next_emission(pane.announced)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (text,) = await announced
    created = max(desk.store.all_sessions(), key=lambda s: s.id)
    assert text.startswith("Booked Eli Novak with Chloe Park") and "Undo" in text
    assert as_stored(sample, created.id) == created
    assert (created.client_id, created.trainer_id, created.start) == (sample.clients["Eli Novak"], 3,
                                                                      at(DAY, 17))
    assert pane.current_view == "day" and pane.current_date == DAY
    assert pane.selected_session_id == created.id
    assert pane.day_view.canvas.selected_id == created.id
    assert 'href="undo"' in pane.editing.notice.text()
    assert pane.editing.undo_action.text() == "Undo booking of Eli Novak's 17:00"
    pane.editing.notice.linkActivated.emit("undo")
    await next_emission(pane.announced)
    assert desk.store.get(created.id) is None
    assert sample.stored(created.id) is None  # the undo deleted it on the server


async def test_the_servers_clash_message_goes_when_the_time_is_fixed(
        qtbot, desk: StudioClient, sample: SampleStudio) -> None:
    sessions_before = stored_sessions(sample)
    d = new_booking(qtbot, desk)
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(1))
    type_into_time(qtbot, d.form.start_edit, "9")
    d.save()  # sent before the pause in typing ends: the server refuses it
    await next_emission(d.idle)
    assert "Ana Kowalski already has Dana Whitfield" in d.form.error_text("start")
    assert stored_sessions(sample) == sessions_before
    type_into_time(qtbot, d.form.start_edit, "12")
    await next_emission(watch(d).checked)
    assert d.form.error_text("start") == "" and d.form.error_text("trainer_id") == ""


def watch(dialog: SessionDialog) -> ClashWatch:
    """The dialog's clash check (there is one while the form is open)."""
    assert dialog.clash_watch is not None
    return dialog.clash_watch
