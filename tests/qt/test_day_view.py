"""The day view: trainer columns, sessions in the right place, clicks become signals.

The view only shows what it is given: here the desktop's own ScheduleStore holding the sample
(conftest.py SAMPLE_SESSIONS), with no server behind it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from swan_desktop.qt.views.day_view import DayView
from swan_desktop.qt.views.time_grid import AXIS_W
from tests.support.sample import DAY, at, session


@pytest.fixture
def view(qtbot, store) -> DayView:
    v = DayView()
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    qtbot.waitExposed(v)
    v.show_day(DAY, store.between(at(DAY, 0), at(DAY, 0) + timedelta(days=1)), store.directory)
    return v


def test_one_column_per_trainer_with_the_trainer_name_as_header(view) -> None:
    assert [c.title for c in view.columns] == ["Ana Kowalski", "Ben Ortiz", "Chloe Park"]
    assert [c.trainer_id for c in view.columns] == [1, 2, 3]


def test_only_the_shown_day_is_laid_out(view) -> None:
    assert sorted(view.shown_ids()) == [1, 2, 3, 4, 5]  # session 6 is two days later


def test_session_sits_in_its_trainers_column_at_its_local_time(view) -> None:
    canvas = view.canvas
    rect = view.session_rect(3)  # Chloe, 14:00 for 90 minutes
    assert rect is not None
    assert view.column_of(3) == 2
    assert canvas.column_x(2) <= rect.left() < rect.right() <= canvas.column_x(3)
    assert rect.top() == pytest.approx(canvas.y_for_minutes(14 * 60), abs=2)
    assert rect.bottom() == pytest.approx(canvas.y_for_minutes(15 * 60 + 30), abs=2)
    assert view.session_at(rect.center()) == 3


def test_sessions_of_different_trainers_at_the_same_time_share_rows_not_columns(view) -> None:
    a, b = view.session_rect(1), view.session_rect(2)
    assert a is not None and b is not None
    assert a.top() == pytest.approx(b.top())
    assert a.right() < b.left()


def test_click_selects_and_double_click_activates(qtbot, view) -> None:
    centre = view.session_rect(1).center().toPoint()
    with qtbot.waitSignal(view.sessionSelected, timeout=10000) as selected:
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=centre)
    assert selected.args == [1]
    assert view.canvas.selected_id == 1
    with qtbot.waitSignal(view.sessionActivated, timeout=10000) as activated:
        qtbot.mouseDClick(view.canvas, Qt.MouseButton.LeftButton, pos=centre)
    assert activated.args == [1]


def test_double_click_on_empty_space_asks_for_a_new_session_there(qtbot, view) -> None:
    canvas = view.canvas
    x = int(canvas.column_x(2) + canvas.column_width() / 2)
    y = int(canvas.y_for_minutes(8 * 60 + 20))  # snaps down to 08:15
    assert view.session_at(QPoint(x, y)) is None
    with qtbot.waitSignal(view.newSessionRequested, timeout=10000) as requested:
        qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    trainer_id, start = requested.args
    assert trainer_id == 3
    assert start == at(DAY, 8, 15)


def test_clicking_the_time_axis_does_nothing(qtbot, view) -> None:
    with qtbot.assertNotEmitted(view.newSessionRequested), qtbot.assertNotEmitted(view.sessionSelected):
        qtbot.mouseDClick(view.canvas, Qt.MouseButton.LeftButton, pos=QPoint(AXIS_W // 2, 100))


def test_a_trainer_filter_leaves_one_column(view, store) -> None:
    sessions = [s for s in store.between(at(DAY, 0), at(DAY, 0) + timedelta(days=1)) if s.trainer_id == 2]
    view.show_day(DAY, sessions, store.directory, trainer_ids=[2])
    assert [c.title for c in view.columns] == ["Ben Ortiz"]
    assert sorted(view.shown_ids()) == [2, 5]


def test_overlapping_sessions_of_one_trainer_are_side_by_side(view, store) -> None:
    sessions = [session(1, 1, 9), session(2, 1, 9, 30)]
    view.show_day(DAY, sessions, store.directory)
    a, b = view.session_rect(1), view.session_rect(2)
    assert a.right() <= b.left()
    assert view.column_of(1) == view.column_of(2) == 0


def test_views_have_accessible_names(view) -> None:
    assert view.accessibleName() == "Day schedule"
    assert "3 trainers" in view.canvas.accessibleDescription()
