"""The week view: Monday to Sunday, each session on its own local day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from swan_desktop.qt.views.week_view import WeekView, week_start
from tests.support.sample import DAY, at


@pytest.fixture
def view(qtbot, store) -> WeekView:
    v = WeekView()
    qtbot.addWidget(v)
    v.resize(1100, 700)
    v.show()
    qtbot.waitExposed(v)
    monday = week_start(DAY)
    v.show_week(DAY, store.between(at(monday, 0), at(monday, 0) + timedelta(days=7)), store.directory)
    return v


def test_week_runs_monday_to_sunday(view) -> None:
    days = [c.day for c in view.columns]
    assert days[0] == date(2031, 3, 10) and days[0].weekday() == 0
    assert days == [days[0] + timedelta(days=i) for i in range(7)]
    assert [c.title for c in view.columns][:3] == ["Mon", "Tue", "Wed"]


def test_sessions_land_on_their_day(view) -> None:
    assert view.column_of(1) == 2   # Wednesday 12 March
    assert view.column_of(6) == 4   # Friday 14 March
    rect = view.session_rect(6)
    assert view.canvas.column_x(4) <= rect.left() and rect.right() <= view.canvas.column_x(5)


def test_blocks_show_time_client_and_the_trainers_name_or_initials_as_room_allows(view) -> None:
    from PySide6.QtGui import QFontMetrics

    from swan_desktop.qt.fit_text import first_wording, fitting

    placed = {p.item.session.id: p.item.lines for p in view.canvas._placed}
    time, client, trainer = placed[6]
    assert (time, client) == ("10:00", "Hugo Lind")
    assert first_wording(trainer) == "Ana Kowalski · Personal training"
    fm = QFontMetrics(view.font())
    assert fitting(fm, trainer, 1000) == "Ana Kowalski · Personal training"
    assert fitting(fm, trainer, fm.horizontalAdvance("Ana Kowalski")) == "Ana Kowalski"
    assert fitting(fm, trainer, fm.horizontalAdvance("AK")) == "AK"


def test_week_signals_match_the_day_view(qtbot, view) -> None:
    centre = view.session_rect(6).center().toPoint()
    with qtbot.waitSignal(view.sessionActivated, timeout=10000) as activated:
        qtbot.mouseDClick(view.canvas, Qt.MouseButton.LeftButton, pos=centre)
    assert activated.args == [6]
