"""The day and week grids driven from the keyboard: a visible focus outline, arrows between
sessions, Enter opens, Delete asks to cancel, Ctrl+arrows move by 15 minutes or a day, each
session spoken by name; and a booking made without touching the mouse.

The pane is boss's real desktop on a real server holding the sample studio (conftest.py): what
a key sent is recorded off that desktop's line, what it did is read back from the server, and
the session a move would clash with is booked by Rosa on her own PC.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QPalette
from PySide6.QtWidgets import QApplication

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.qt.main_window import MainWindow
from tests.support.poll import until
from tests.support.qt import OFFSCREEN_NOISE, next_emission
from tests.support.sample import DAY, at
from tests.support.sample_studio import SampleStudio

from .live_desk import Sent, saved, settled
from .live_desk import pane as pane  # the fixture: boss's real pane
from .live_desk import store as store  # the fixture: boss's desktop's store


def focus_grid(qtbot, pane):
    canvas = pane.day_view.canvas
    pane.window().activateWindow()
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    return canvas


def press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)


def test_arrows_walk_between_sessions_across_trainers_and_in_time(qtbot, pane) -> None:
    canvas = focus_grid(qtbot, pane)
    press(qtbot, canvas, Qt.Key.Key_Down)  # nothing selected: the first session, top left
    assert canvas.selected_id == 1 and pane.selected_session_id == 1
    press(qtbot, canvas, Qt.Key.Key_Down)
    assert canvas.selected_id == 4  # Ana's 11:00, next in her column
    press(qtbot, canvas, Qt.Key.Key_Up)
    press(qtbot, canvas, Qt.Key.Key_Right)
    assert canvas.selected_id == 2  # Ben's 09:00, the nearest start in the next column
    press(qtbot, canvas, Qt.Key.Key_Right)
    press(qtbot, canvas, Qt.Key.Key_Right)  # at the edge it stays
    assert canvas.selected_id == 3


def test_each_session_is_spoken_as_the_keys_reach_it(qtbot, pane) -> None:
    canvas = focus_grid(qtbot, pane)
    press(qtbot, canvas, Qt.Key.Key_Down)
    expected = "Dana Whitfield, personal training with Ana Kowalski, 09:00 to 10:00, confirmed"
    assert canvas.accessibleName() == expected
    interface = QAccessible.queryAccessibleInterface(canvas)
    assert interface is not None and interface.text(QAccessible.Text.Name) == expected
    canvas.select(None)
    assert canvas.accessibleName() == "Day schedule, one column per trainer"


def test_the_focus_outline_is_drawn_round_the_selected_session(qtbot, pane) -> None:
    canvas = focus_grid(qtbot, pane)
    press(qtbot, canvas, Qt.Key.Key_Down)
    rect = canvas.session_rect(1).adjusted(-3, -3, 3, 3)
    image = canvas.grab().toImage()
    ring = canvas.palette().color(QPalette.ColorRole.Highlight)
    y = int(rect.top())
    hits = sum(1 for x in range(int(rect.left()) + 6, int(rect.right()) - 6)
               if abs(image.pixelColor(x, y).blue() - ring.blue()) < 40
               and abs(image.pixelColor(x, y).red() - ring.red()) < 40)
    assert hits > 10
    canvas.clearFocus()
    image = canvas.grab().toImage()
    assert sum(1 for x in range(int(rect.left()) + 6, int(rect.right()) - 6)
               if image.pixelColor(x, y) == ring) < hits


async def test_enter_opens_and_delete_asks_to_cancel(qtbot, pane, sent: Sent, sample: SampleStudio) -> None:
    canvas = focus_grid(qtbot, pane)
    press(qtbot, canvas, Qt.Key.Key_Down)
    press(qtbot, canvas, Qt.Key.Key_Return)
    assert pane.editor is not None and pane.editor.session.id == 1
    pane.editor.close()
    canvas.setFocus()
    press(qtbot, canvas, Qt.Key.Key_Delete)
    dialog = pane.commands.cancel_dialog
    assert dialog is not None and dialog.isVisible()
    await settled(pane)
    assert sent == []  # asked, not sent
    assert pane.store.get(1) == sample.stored(1) and pane.store.get(1).version == 1


async def test_ctrl_arrows_move_by_a_quarter_hour_and_by_a_day(qtbot, pane, store,
                                                               sample: SampleStudio) -> None:
    canvas = focus_grid(qtbot, pane)
    press(qtbot, canvas, Qt.Key.Key_Down)
    start = store.get(1).start
    announced = next_emission(pane.announced)
    press(qtbot, canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    await announced
    assert (await saved(sample, store, 1, 2)).start - start == timedelta(minutes=15)
    assert pane.editing.undo_action.text() == "Undo move of Dana Whitfield's 09:00"
    announced = next_emission(pane.announced)
    press(qtbot, canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    await announced
    assert (await saved(sample, store, 1, 3)).start - start == timedelta(days=1, minutes=15)


async def test_ctrl_down_onto_a_clash_is_refused_in_words(qtbot, pane, store, sent: Sent,
                                                          sample: SampleStudio) -> None:
    rosa = await sample.sign_in_rosa()  # Rosa books Ben 10:00–11:00 on her own PC
    made = await rosa.ok("session.create", {"start": format_ts(at(DAY, 10)), "end": format_ts(at(DAY, 11)),
                                            "trainer_id": 2, "client_name": "Gus Reyes",
                                            "location": "Studio B"})
    await until(lambda: made["session"]["id"] in pane.shown_session_ids(), what="Rosa's booking on the grid")
    canvas = focus_grid(qtbot, pane)
    press(qtbot, canvas, Qt.Key.Key_Down)
    press(qtbot, canvas, Qt.Key.Key_Right)  # Ben's 09:00
    assert canvas.selected_id == 2
    press(qtbot, canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert "Ben Ortiz already has Gus Reyes" in pane.editing.notice.text()
    await settled(pane)
    assert sent == []
    assert pane.store.get(2) == sample.stored(2) and pane.store.get(2).start == at(DAY, 9)


async def test_a_focused_edit_button_opens_with_enter(qtbot, pane) -> None:
    pane.select_session(1)
    button = pane.details.edit_button
    opened = next_emission(pane.details.editRequested)
    qtbot.keyClick(button, Qt.Key.Key_Return)
    assert (await opened) == (1,)


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
async def test_a_booking_made_with_the_keyboard_alone_from_the_day_view(qtbot, pane, store,
                                                                       sample: SampleStudio) -> None:
    sample_ids = {s.id for s in store.all_sessions()}
    window = MainWindow(pane)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    canvas = focus_grid(qtbot, pane)
    qtbot.keyClick(canvas, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # View ▸ New session
    editor = pane.editor
    assert editor is not None
    editor.activateWindow()
    editor.form.date_edit.setFocus()  # the first field, where the dialog opens
    qtbot.waitUntil(editor.form.date_edit.hasFocus)

    def typed(text: str = "", then: Qt.Key = Qt.Key.Key_Tab) -> None:
        focused = QApplication.focusWidget()
        if text:
            qtbot.keyClicks(focused, text)
        qtbot.keyClick(QApplication.focusWidget(), then)

    typed()                 # date: today's date in the view is right; Tab leaves at once
    typed("1630")           # start
    typed()                 # end follows the start
    assert QApplication.focusWidget() is editor.form.repeat.kind_combo  # the server books series too
    typed()                 # repeat: does not
    typed("Chloe")          # trainer, by typing its first letters
    typed("Eli Novak")      # client
    announced = next_emission(pane.announced)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Save (the default button)
    (said,) = await announced
    (made,) = [s for s in store.all_sessions() if s.id not in sample_ids]
    assert made.id > 0 and sample.stored(made.id) == made  # booked: the server's own
    assert made.start == at(DAY, 16, 30) and made.trainer_id == 3
    assert made.client_id == sample.clients["Eli Novak"]
    assert said.startswith("Booked Eli Novak with Chloe Park")
    assert pane.selected_session_id == made.id


async def test_in_the_week_left_and_right_go_across_days(qtbot, pane, store, sample: SampleStudio) -> None:
    pane.set_view("week")
    canvas = pane.week_view.canvas
    pane.window().activateWindow()
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    press(qtbot, canvas, Qt.Key.Key_Down)
    first = canvas.selected_id
    assert canvas.column_of(first) == 2  # Wednesday, the fixture's day
    press(qtbot, canvas, Qt.Key.Key_Right)
    assert canvas.selected_id == 6 and canvas.column_of(6) == 4  # Friday: Hugo Lind's 10:00
    start = store.get(6).start
    announced = next_emission(pane.announced)
    press(qtbot, canvas, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    await announced
    assert start - (await saved(sample, store, 6, 2)).start == timedelta(days=1)
