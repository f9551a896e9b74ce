"""A trainer's time off is blocked time: the day and week grids shade it like the
hours outside work, and archived trainers leave the day columns unless a session
of theirs is on that day (it still shows their name).

Widgets only (no server): the directory is built in the test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from swan_desktop.core.directory import Directory
from swan_desktop.protocol.entities import Session, TimeOff, Trainer
from swan_desktop.qt.views.day_view import DayView
from swan_desktop.qt.views.week_view import WeekView
from swan_desktop.qt.views.working_hours import off_hours

MONDAY = date(2031, 3, 10)
WEEKDAYS_9_TO_17 = tuple((d, "09:00", "17:00") for d in range(5))
AWAY = (TimeOff(1, "2031-03-11", "2031-03-12", "Course"),)


def test_a_day_away_is_shaded_whole_and_the_days_around_it_only_outside_hours() -> None:
    ana = Trainer(1, "Ana", hours=WEEKDAYS_9_TO_17, time_off=AWAY)
    assert off_hours(ana, MONDAY, "UTC", UTC) == ((0.0, 540.0), (1020.0, 1440.0))
    assert off_hours(ana, MONDAY + timedelta(days=1), "UTC", UTC) == ((0.0, 1440.0),)
    assert off_hours(ana, MONDAY + timedelta(days=2), "UTC", UTC) == ((0.0, 1440.0),)
    assert off_hours(ana, MONDAY + timedelta(days=3), "UTC", UTC) == ((0.0, 540.0), (1020.0, 1440.0))


def test_time_off_is_shaded_for_a_trainer_without_working_hours() -> None:
    ben = Trainer(2, "Ben", time_off=AWAY)
    assert off_hours(ben, MONDAY, "UTC", UTC) == ()
    assert off_hours(ben, MONDAY + timedelta(days=1), "UTC", UTC) == ((0.0, 1440.0),)


def test_the_week_view_shades_the_days_away(qtbot) -> None:
    directory = Directory(trainers={1: Trainer(1, "Ana", color="#1f5f8b", hours=WEEKDAYS_9_TO_17,
                                               time_off=AWAY)}, timezone="UTC")
    view = WeekView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show_week(MONDAY, [], directory, trainer_id=1)
    canvas = view.canvas
    image = canvas.grab().toImage()
    noon = int(canvas.y_for_minutes(12 * 60 + 20))  # off the hour line

    def pixel(column: int):
        return image.pixelColor(int(canvas.column_x(column) + canvas.column_width() / 2), noon)

    assert pixel(0) == pixel(3)  # Monday and Thursday noon: working
    assert pixel(1) != pixel(0) and pixel(1).lightness() < pixel(0).lightness()  # Tuesday: away
    assert pixel(2) == pixel(1)


def test_archived_trainers_leave_the_day_columns_but_their_sessions_keep_their_name(qtbot) -> None:
    ana, ben = Trainer(1, "Ana", color="#1f5f8b"), Trainer(2, "Ben", color="#2e6b3a")
    directory = Directory(trainers={1: ana, 2: replace(ben, active=False)}, timezone="UTC")
    view = DayView()
    qtbot.addWidget(view)
    view.show_day(MONDAY, [], directory)
    assert [c.title for c in view.canvas.columns] == ["Ana"]
    start = datetime(2031, 3, 10, 10, tzinfo=UTC)
    old = Session(id=5, start=start, end=start + timedelta(hours=1), trainer_id=2, client_name="Dana")
    view.show_day(MONDAY, [old], directory)
    assert [c.title for c in view.canvas.columns] == ["Ana", "Ben"]


def test_pickers_offer_only_what_is_in_use_but_an_old_session_keeps_its_archived_trainer(qtbot) -> None:
    from swan_desktop.protocol.entities import Location, SessionType
    from swan_desktop.qt.dialogs.session_form import SessionForm

    directory = Directory(
        trainers={1: Trainer(1, "Ana", color="#1f5f8b"), 2: Trainer(2, "Ben", color="#2e6b3a", active=False)},
        session_types={1: SessionType(1, "PT"), 2: SessionType(2, "Old class", active=False)},
        locations=[Location(1, "Studio A"), Location(2, "Old room", active=False)], timezone="UTC")
    form = SessionForm(directory)
    qtbot.addWidget(form)

    def items(combo) -> list[str]:
        return [combo.itemText(i) for i in range(combo.count())]

    assert items(form.trainer_combo)[1:] == ["Ana"]
    assert items(form.location_combo) == ["", "Studio A"]
    assert [t for t in items(form.type_combo) if t != "—"] == ["PT (60 min)"]
    start = datetime(2031, 3, 10, 10, tzinfo=UTC)
    old = Session(id=5, start=start, end=start + timedelta(hours=1), trainer_id=2, session_type_id=2,
                  client_name="Dana")
    form.load_wire(old.to_wire())
    assert form.trainer_combo.currentText() == "Ben (archived)"
    assert form.type_combo.currentText() == "Old class (archived)"
