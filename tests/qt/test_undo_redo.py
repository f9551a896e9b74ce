"""Undo and Redo from the Edit menu, labelled with what they take back, over every kind
of change (create, edit, move, cancel, delete, bulk), each sent to the server like any
change; and the right-click menu on a session.

The pane is boss's real desktop on a real server holding the sample studio (conftest.py's
``desk_pane``); what a change and its undo did is read back from the server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

from swan_desktop.core.bulk import BulkOp
from swan_desktop.core.client import StudioClient
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import Status
from swan_desktop.qt.edit_menu import install_edit_menu
from swan_desktop.qt.main_window import MainWindow
from tests.support.qt import OFFSCREEN_NOISE, next_emission
from tests.support.sample import at

from .conftest import DAY, SAMPLE_SESSIONS
from .live_desk import as_stored

#: A menu popped up on the offscreen platform says it cannot raise it or grab the keyboard.
popup_noise = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, r"This plugin does not support (raise|grabbing)")


@pytest.fixture
def pane(desk_pane):
    """Here the pane is on the real server (conftest's ``pane`` is the in-memory stand-in)."""
    return desk_pane


@pytest.fixture
def store(desk: StudioClient) -> ScheduleStore:
    """boss's desktop's store (conftest's ``store`` is the in-memory stand-in's)."""
    return desk.store


def new_ids(store: ScheduleStore) -> list[int]:
    """Sessions booked since the sample was put on the server."""
    return [s.id for s in store.all_sessions() if s.id > len(SAMPLE_SESSIONS)]


def right_click(pane, session_id: int):
    canvas = pane.day_view.canvas
    pos = canvas.session_rect(session_id).center().toPoint()
    QApplication.sendEvent(canvas, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                     canvas.mapToGlobal(pos)))
    return pane.context_menu


def action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def drag(canvas, start: QPointF, end: QPointF) -> None:
    for kind, pos, buttons in ((QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton),
                               (QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton),
                               (QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)):
        button = Qt.MouseButton.LeftButton
        QApplication.sendEvent(canvas, QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons,
                                                   Qt.KeyboardModifier.NoModifier))


async def test_the_edit_menu_names_the_move_it_undoes(qtbot, pane, store, sample) -> None:
    window = MainWindow(pane)
    qtbot.addWidget(window)
    menu = install_edit_menu(window, pane)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Edit") == titles.index("&File") + 1
    undo, redo = menu.actions()[:2]
    assert undo.text() == "Undo" and not undo.isEnabled()
    canvas = pane.day_view.canvas
    rect = canvas.session_rect(1)
    x = canvas.columns_x(2) if hasattr(canvas, "columns_x") else rect.center().x() + rect.width() * 2
    drag(canvas, QPointF(rect.center().x(), rect.top() + 10),
         QPointF(x, canvas.y_for_minutes(16 * 60) + 10))
    await next_emission(pane.announced)
    assert undo.isEnabled() and undo.text() == "Undo move of Dana Whitfield's 09:00"
    moved = as_stored(sample, 1)
    assert (moved.trainer_id, moved.start, moved.version) == (3, at(DAY, 16), 2)  # onto Chloe at 16:00
    status = next_emission(pane.announced)
    undo.trigger()
    (said,) = await status
    assert said == "Undone: move of Dana Whitfield's 09:00"
    assert window.statusBar().currentMessage() == said
    assert store.get(1).trainer_id == 1 and redo.text() == "Redo move of Dana Whitfield's 09:00"
    back = as_stored(sample, 1)
    assert (back.trainer_id, back.start, back.version) == (1, at(DAY, 9), 3)


@popup_noise
async def test_right_click_offers_the_desks_commands_and_confirm_is_undoable(qtbot, pane, store,
                                                                              sample) -> None:
    menu = right_click(pane, 2)  # Ben's requested 09:00 with Eli Novak
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Open", "Confirm", "Check in", "Cancel session…", "Copy", "Book again next week", "Delete…"]
    assert pane.selected_session_id == 2
    announced = next_emission(pane.announced)
    action(menu, "Confirm").trigger()
    await announced
    assert store.get(2).status is Status.CONFIRMED
    assert (as_stored(sample, 2).status, as_stored(sample, 2).version) == (Status.CONFIRMED, 2)
    assert pane.editing.undo_action.text() == "Undo confirmation of Eli Novak's 09:00"
    pane.editing.undo_action.trigger()
    await next_emission(pane.announced)
    assert store.get(2).status is Status.REQUESTED
    # taken back by an update of the same session (not a new booking)
    assert (as_stored(sample, 2).status, as_stored(sample, 2).version) == (Status.REQUESTED, 3)
    assert new_ids(store) == []


@popup_noise
async def test_undoing_a_delete_books_it_again_and_says_its_history_stays(qtbot, pane, store,
                                                                          sample) -> None:
    original = store.get(1)
    menu = right_click(pane, 1)
    action(menu, "Delete…").trigger()
    box = pane.commands.delete_box
    assert "activity feed" in box.text()
    deleted = next_emission(pane.announced)
    next(b for b in box.buttons() if b.text() == "Delete").click()
    await deleted
    assert store.get(1) is None and sample.stored(1) is None
    assert pane.editing.undo_action.text() == "Undo deletion of Dana Whitfield's 09:00"
    undone = next_emission(pane.announced)
    pane.editing.undo_action.trigger()
    (said,) = await undone
    assert "history stays in the activity feed" in said
    (again_id,) = new_ids(store)
    again = as_stored(sample, again_id)
    assert (again.start, again.trainer_id, again.client_name, again.status, again.client_id) == \
        (original.start, original.trainer_id, original.client_name, original.status, original.client_id)
    assert store.get(again_id) == again
    pane.editing.redo_action.trigger()  # and redo deletes the re-created one
    await next_emission(pane.announced)
    assert store.get(again_id) is None and sample.stored(again_id) is None


@popup_noise
async def test_book_again_next_week_goes_there_and_undo_takes_it_back(qtbot, pane, store, sample) -> None:
    menu = right_click(pane, 1)
    announced = next_emission(pane.announced)
    action(menu, "Book again next week").trigger()
    (said,) = await announced
    (made_id,) = new_ids(store)
    made = as_stored(sample, made_id)
    assert made.start - as_stored(sample, 1).start == timedelta(days=7)
    assert (made.trainer_id, made.client_id) == (1, sample.clients["Dana Whitfield"])
    assert said.startswith("Booked Dana Whitfield with Ana Kowalski")
    assert pane.current_date == DAY + timedelta(days=7) and pane.selected_session_id == made.id
    pane.editing.undo_action.trigger()
    await next_emission(pane.announced)
    assert store.get(made.id) is None and sample.stored(made.id) is None


async def test_a_bulk_cancel_is_one_undo_step(qtbot, pane, store, sample) -> None:
    pane.bulk.set_selection([1, 2])
    announced = next_emission(pane.announced)
    pane.bulk.run(BulkOp("cancel", reason="Studio closed"))
    await announced
    assert {store.get(1).status, store.get(2).status} == {Status.CANCELLED}
    assert [(as_stored(sample, i).status, as_stored(sample, i).cancel_reason) for i in (1, 2)] == \
        [(Status.CANCELLED, "Studio closed")] * 2
    assert pane.editing.undo_action.text() == "Undo cancel of 2 sessions"
    pane.editing.undo_action.trigger()
    await next_emission(pane.announced)
    assert store.get(1).status is Status.CONFIRMED and store.get(2).status is Status.REQUESTED
    assert [as_stored(sample, i).status for i in (1, 2)] == [Status.CONFIRMED, Status.REQUESTED]


@popup_noise
async def test_copy_puts_the_booking_on_the_clipboard(qtbot, pane) -> None:
    menu = right_click(pane, 1)
    action(menu, "Copy").trigger()
    assert QApplication.clipboard().text().startswith("Dana Whitfield with Ana Kowalski")


@popup_noise
def test_the_menu_opens_the_editor(qtbot, pane) -> None:
    action(right_click(pane, 3), "Open").trigger()
    assert pane.editor is not None and pane.editor.session.id == 3


@popup_noise
def test_the_agenda_has_the_same_right_click_menu(qtbot, pane) -> None:
    pane.set_view("agenda")
    view = pane.agenda_view
    row = next(r for r in range(pane.table_model.rowCount()) if pane.table_model.session(r).id == 2)
    pos = view.visualRect(pane.table_model.index(row, 1)).center()
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                              view.viewport().mapToGlobal(pos)))
    menu = pane.context_menu
    assert menu is not None and action(menu, "Confirm").isEnabled()
    assert pane.selected_session_id == 2
