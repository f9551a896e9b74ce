"""Reading the calendar: one key for type colours and status markings, trainer names where
there is room, a chip while a trainer filter is on, and who is free at a chosen time.

The pane shows boss's desktop store, loaded from a real server holding the sample studio
(conftest.py ``desk_pane``). Who is free is worked out from a store alone: there it is the
desktop's own ScheduleStore holding the sample, with no server behind it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt, QTime

from swan_desktop.core.client import StudioClient
from swan_desktop.core.whos_free import availability
from tests.support.qt import OFFSCREEN_NOISE
from tests.support.sample import DAY, at

from .live_desk import pane as pane  # the fixture: boss's real pane


def test_the_footer_keys_types_as_well_as_statuses(qtbot, pane) -> None:
    assert pane.footer.type_legend.names() == ["Assessment", "Personal training"]
    assert pane.footer.type_legend.isVisible() and pane.legend.isVisible()


def test_the_key_explains_colour_border_and_marks_together(qtbot, pane) -> None:
    qtbot.mouseClick(pane.footer.key_button, Qt.MouseButton.LeftButton)
    key = pane.footer.key_dialog
    assert key is not None and key.isVisible()
    text = "\n".join(key.lines)
    assert "Personal training (60 min)" in text
    assert "Confirmed: solid fill in the type's colour, marked ●" in text
    assert "Requested: pale tint, dashed border, marked ? — waiting to be confirmed" in text
    assert "“pending…”: a change not yet on the server" in text


def test_a_trainer_filter_shows_a_chip_that_clears_it(qtbot, pane) -> None:
    combo = pane.toolbar.trainer_combo
    assert not pane.filter_chip.isVisible()
    combo.setCurrentIndex(combo.findData(2))
    assert pane.filter_chip.isVisible() and pane.filter_chip.label.text() == "Filtered: Ben Ortiz"
    qtbot.mouseClick(pane.filter_chip.clear_button, Qt.MouseButton.LeftButton)
    assert pane.toolbar.trainer_id() is None and not pane.filter_chip.isVisible()
    assert len(pane.day_view.columns) == 3


def test_the_month_names_trainers_where_there_is_room(qtbot, pane, desk: StudioClient) -> None:
    from PySide6.QtGui import QFontMetrics

    pane.set_view("month")
    month = pane.month_view
    fm = QFontMetrics(month.font())
    dana = desk.store.get(1)
    assert month.chip_text(dana, fm, 1000) == "09:00 Dana Whitfield · Ana Kowalski"
    narrow = fm.horizontalAdvance("09:00 Dana Whitfield · AK")
    assert month.chip_text(dana, fm, narrow) == "09:00 Dana Whitfield · AK"


def test_whos_free_lists_trainers_free_at_a_time(store) -> None:
    rows = availability(store.directory, store, at(DAY, 9), at(DAY, 10))
    assert [(r.trainer.name, r.free) for r in rows] == [
        ("Chloe Park", True), ("Ana Kowalski", False), ("Ben Ortiz", False)]
    assert rows[1].why == "busy: Dana Whitfield 09:00–10:00"


def test_working_hours_count_in_whos_free(store) -> None:
    d = store.directory
    d.trainers[3] = replace(d.trainers[3], hours=((DAY.weekday(), "12:00", "18:00"),))
    rows = {r.trainer.name: r for r in availability(d, store, at(DAY, 9), at(DAY, 10))}
    assert not rows["Chloe Park"].free and rows["Chloe Park"].why == "not working then"
    rows = {r.trainer.name: r for r in availability(d, store, at(DAY, 12), at(DAY, 13))}
    assert rows["Chloe Park"].free and rows["Chloe Park"].why == "free"


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_whos_free_dialog_books_a_free_trainer(qtbot, pane) -> None:
    qtbot.mouseClick(pane.footer.whos_free_button, Qt.MouseButton.LeftButton)
    dialog = pane.footer.whos_free
    assert dialog is not None and dialog.isVisible()
    dialog.time_edit.setTime(QTime(9, 0))
    assert dialog.free_names() == ["Chloe Park"]
    assert dialog.summary.text() == "1 of 3 trainers free at 09:00–10:00."
    dialog.list.itemActivated.emit(dialog.list.item(0))
    assert pane.editor is not None and pane.editor.form.trainer_combo.currentData() == 3
    assert pane.editor.form.start_edit.time() == QTime(9, 0)
