"""Outside a trainer's working hours the day and week grids are shaded, on the
wall clock the grid shows even when the hours are kept in another zone."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date

import pytest

from swan_desktop.protocol.entities import Trainer
from swan_desktop.qt.views.day_view import DayView
from swan_desktop.qt.views.working_hours import off_hours

from .conftest import DAY, make_directory

MONDAY_9_TO_17 = ((0, "09:00", "17:00"),)


@pytest.fixture
def utc_here() -> Iterator[None]:
    """This computer's clock set to UTC for the test, so local minutes are known."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_off_hours_are_the_day_around_the_working_window(utc_here) -> None:
    trainer = Trainer(1, "Ana", hours=MONDAY_9_TO_17)
    monday = date(2031, 3, 10)
    assert off_hours(trainer, monday, "UTC", UTC) == ((0.0, 540.0), (1020.0, 1440.0))
    assert off_hours(trainer, monday, "Europe/Lisbon", UTC) == ((0.0, 540.0), (1020.0, 1440.0))  # UTC+0 then
    # A studio in New York (UTC-4 in March after the 9th): 09:00–17:00 there is 13:00–21:00 UTC.
    assert off_hours(trainer, monday, "America/New_York", UTC) == ((0.0, 780.0), (1260.0, 1440.0))
    assert off_hours(trainer, date(2031, 3, 11), "UTC", UTC) == ((0.0, 1440.0),)  # no hours on Tuesday
    assert off_hours(Trainer(2, "Ben"), monday, "UTC", UTC) == ()  # hours not set: not limited


def test_the_day_view_shades_outside_working_hours(qtbot, utc_here) -> None:
    directory = make_directory()
    ana = directory.trainers[1]
    weekday = DAY.weekday()
    directory.trainers[1] = replace(ana, hours=((weekday, "10:00", "16:00"),))
    directory.timezone = "UTC"
    view = DayView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show_day(DAY, [], directory)
    canvas = view.canvas
    image = canvas.grab().toImage()
    x = int(canvas.column_x(0) + canvas.column_width() / 2)
    early = image.pixelColor(x, int(canvas.y_for_minutes(8 * 60 + 20)))
    working = image.pixelColor(x, int(canvas.y_for_minutes(12 * 60 + 20)))
    other_trainer = image.pixelColor(int(canvas.column_x(1) + canvas.column_width() / 2),
                                     int(canvas.y_for_minutes(8 * 60 + 20)))
    assert early != working and early.lightness() < working.lightness()
    assert other_trainer == working  # a trainer without hours is not shaded
