"""The bulk bar: it appears over a multi-selection in the agenda and acts on
every selected session (each one a request of its own)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import icalendar
from PySide6.QtCore import QItemSelectionModel, Qt

from swan_desktop.protocol.entities import Status
from tests.support.poll import until


def select_rows(pane, rows: list[int]) -> None:
    view = pane.agenda_view
    model = view.model()
    selection = view.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


def test_the_bar_shows_for_several_selected_sessions_only(qtbot, pane) -> None:
    pane.set_view("agenda")
    select_rows(pane, [0])
    assert not pane.bulk.isVisible()
    select_rows(pane, [0, 1, 2])
    assert pane.bulk.isVisible() and pane.bulk.count.text() == "3 selected"
    assert len(pane.bulk.ids) == 3


async def test_confirm_acts_on_every_selected_session(qtbot, pane, store, actions) -> None:
    pane.set_view("agenda")
    select_rows(pane, [0, 1])
    chosen = list(pane.bulk.ids)
    pane.bulk.confirm_button.click()
    await until(lambda: pane.bulk.last is not None)
    assert {c[1]["id"] for c in actions.calls if c[0] == "update"} <= set(chosen)
    assert all(store.get(i).status is Status.CONFIRMED for i in chosen)
    assert pane.editing.notice.isVisible() and pane.editing.notice.text().startswith("Confirm: ")


async def test_move_a_selection_a_week_later(qtbot, pane, store, actions) -> None:
    pane.set_view("agenda")
    select_rows(pane, [0, 1])
    before = {i: store.get(i).start for i in pane.bulk.ids}
    week_later = next(a for a in pane.bulk.move_button.menu().actions() if a.text() == "1 week later")
    week_later.trigger()
    await until(lambda: pane.bulk.last is not None)
    assert pane.bulk.last.failed == []
    assert {i: store.get(i).start - start for i, start in before.items()} == {
        i: timedelta(days=7) for i in before}


def test_export_writes_the_selection_as_ics(qtbot, pane, tmp_path: Path) -> None:
    pane.set_view("agenda")
    select_rows(pane, [0, 1, 2])
    path = tmp_path / "selection.ics"
    assert pane.bulk.export_to(str(path)) == 3
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    assert uids == {f"session-{i}@swan-desktop" for i in pane.bulk.ids}


def test_viewers_can_export_but_not_change(qtbot, pane) -> None:
    pane.set_view("agenda")
    pane.set_read_only(True)
    select_rows(pane, [0, 1])
    assert pane.bulk.export_button.isEnabled()
    assert not pane.bulk.confirm_button.isEnabled() and not pane.bulk.delete_button.isEnabled()


def test_ctrl_click_selects_several_rows(qtbot, pane) -> None:
    pane.set_view("agenda")
    view = pane.agenda_view
    first = view.visualRect(view.model().index(0, 1)).center()
    third = view.visualRect(view.model().index(2, 1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, third)
    assert len(view.selected_ids()) == 2 and pane.bulk.isVisible()


def test_ctrl_click_on_the_day_grid_picks_several_sessions_for_the_bulk_bar(qtbot, pane) -> None:
    canvas = pane.day_view.canvas
    first, second = canvas.session_rect(1), canvas.session_rect(2)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=first.center().toPoint())
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     second.center().toPoint())
    assert canvas.picked == [1, 2] and pane.bulk.isVisible() and pane.bulk.ids == [1, 2]
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     second.center().toPoint())  # Ctrl+click again takes it out
    assert canvas.picked == [1] and not pane.bulk.isVisible()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     second.center().toPoint())
    pane.set_view("month")
    assert not pane.bulk.isVisible()  # another view's picks are not acted on
    pane.set_view("day")
    assert pane.bulk.ids == [1, 2]
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=first.center().toPoint())  # a plain click
    assert canvas.picked == [] and not pane.bulk.isVisible()
