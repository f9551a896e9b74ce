"""Month view: six weeks from the Monday before the 1st, sessions on their local
day, "+N more" when a day is full, and clicks that select or open a day.

The view alone is given its sessions; in the pane it shows boss's desktop store, loaded from a
real server holding the sample studio (conftest.py ``desk_pane``).
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from swan_desktop.protocol.entities import Status
from swan_desktop.qt.views.month_view import MonthView, first_shown
from tests.support.sample import DAY, make_directory, session


def month_view(qtbot, sessions) -> MonthView:
    view = MonthView()
    qtbot.addWidget(view)
    view.resize(980, 720)
    view.show_month(DAY, sessions, make_directory())
    view.show()
    return view


def test_six_weeks_start_on_the_monday_before_the_first() -> None:
    assert first_shown(date(2031, 3, 12)) == date(2031, 2, 24)  # 1 March 2031 is a Saturday
    assert first_shown(date(2026, 6, 15)) == date(2026, 6, 1)   # 1 June 2026 is a Monday


def test_sessions_are_listed_on_their_local_day_in_time_order(qtbot) -> None:
    view = month_view(qtbot, [session(1, 1, 14), session(2, 2, 9), session(3, 1, 10, day=DAY + timedelta(1))])
    assert [s.id for s in view.sessions_on(DAY)] == [2, 1]
    assert [s.id for s in view.sessions_on(DAY + timedelta(1))] == [3]
    assert view.range_shown() == (date(2031, 2, 24), date(2031, 4, 7))


def test_a_full_day_says_how_many_more_it_holds(qtbot) -> None:
    many = [session(i, 1 + i % 3, 6 + i % 12, status=Status.CONFIRMED) for i in range(1, 13)]
    view = month_view(qtbot, many)
    fit = view.lines_that_fit()
    assert 0 < fit < 12
    assert view.hidden_count(DAY) == 12 - (fit - 1)
    assert view.hidden_count(DAY + timedelta(days=1)) == 0


def test_click_selects_and_double_click_opens_the_day(qtbot) -> None:
    view = month_view(qtbot, [])
    target = DAY + timedelta(days=3)
    rect = view.cell_rect(target)
    assert rect is not None and view.date_at(rect.center()) == target
    with qtbot.waitSignal(view.daySelected) as selected:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert selected.args == [target] and view.selected == target
    with qtbot.waitSignal(view.dayActivated) as opened:
        qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert opened.args == [target]


def test_the_pane_offers_a_month_view_that_steps_by_month_and_opens_days(qtbot, desk_pane) -> None:
    pane = desk_pane
    pane.set_view("month")
    assert pane.toolbar.range_label.text() == "March 2031"
    start, end = pane.visible_range()
    assert (end - start).days in (41, 42, 43)  # six weeks (a DST change may shorten one day)
    assert set(pane.shown_session_ids()) == {1, 2, 3, 4, 5, 6}
    pane.go_next()
    assert pane.current_date == date(2031, 4, 12) and pane.toolbar.range_label.text() == "April 2031"
    pane.go_previous()
    pane.month_view.dayActivated.emit(DAY)
    assert pane.current_view == "day" and pane.current_date == DAY


def test_stepping_a_month_keeps_the_day_inside_shorter_months() -> None:
    from swan_desktop.qt.schedule_pane import add_months

    assert add_months(date(2031, 1, 31), 1) == date(2031, 2, 28)
    assert add_months(date(2031, 3, 31), -1) == date(2031, 2, 28)
    assert add_months(date(2031, 12, 15), 1) == date(2032, 1, 15)
