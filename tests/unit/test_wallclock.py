"""Wall-clock arithmetic on the days the clocks change (core/wallclock.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from swan_desktop.core import wallclock as wc

BERLIN = ZoneInfo("Europe/Berlin")
LA = ZoneInfo("America/Los_Angeles")
BERLIN_SPRING, BERLIN_FALL = date(2031, 3, 30), date(2031, 10, 26)
LA_SPRING, LA_FALL = date(2031, 3, 9), date(2031, 11, 2)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(("day", "zone", "hours"), [
    (BERLIN_SPRING, BERLIN, 23), (BERLIN_FALL, BERLIN, 25), (LA_SPRING, LA, 23), (LA_FALL, LA, 25),
    (date(2031, 6, 1), BERLIN, 24),
])
def test_a_day_lasts_from_its_midnight_to_the_next(day, zone, hours) -> None:
    start, end = wc.day_start(day, zone), wc.day_end(day, zone)
    assert (start.hour, start.minute, end.hour) == (0, 0, 0)
    assert wc.to_utc(end) - wc.to_utc(start) == timedelta(hours=hours)
    assert wc.days_range_utc(day, 1, zone) == (wc.to_utc(start), wc.to_utc(end))


def test_rows_are_wall_clock_minutes_on_a_spring_day() -> None:
    ten = wc.at_minutes(BERLIN_SPRING, 600, BERLIN)
    assert wc.to_utc(ten) == utc(2031, 3, 30, 8)  # CEST, UTC+2
    assert wc.minutes_into(ten, BERLIN_SPRING, BERLIN) == 600
    assert wc.minutes_into(utc(2031, 3, 30, 0, 30), BERLIN_SPRING, BERLIN) == 90  # 01:30 CET
    # 02:30 does not exist that day: it is read as 03:30, the same distance past the change
    assert wc.to_utc(wc.at_minutes(BERLIN_SPRING, 150, BERLIN)) == utc(2031, 3, 30, 1, 30)
    assert wc.at_minutes(BERLIN_SPRING, 150, BERLIN).hour == 3


def test_both_passes_of_the_repeated_hour_share_a_row() -> None:
    first = wc.at_minutes(LA_FALL, 90, LA)            # 01:30 PDT
    second = wc.at_minutes(LA_FALL, 90, LA, fold=1)   # 01:30 PST, an hour later
    assert (first.fold, second.fold) == (0, 1)
    assert wc.to_utc(second) - wc.to_utc(first) == timedelta(hours=1)
    assert wc.minutes_into(first, LA_FALL, LA) == wc.minutes_into(second, LA_FALL, LA) == 90
    assert wc.in_zone(wc.to_utc(second), LA).fold == 1  # an instant knows its pass


def test_minutes_run_past_the_day_and_before_it() -> None:
    assert wc.minutes_into(utc(2031, 3, 9, 8), LA_SPRING, LA) == 0  # midnight, PST
    assert wc.minutes_into(utc(2031, 3, 10, 7, 30), LA_SPRING, LA) == 24 * 60 + 30  # 00:30 PDT next day
    assert wc.minutes_into(utc(2031, 3, 9, 7), LA_SPRING, LA) == -60  # 23:00 PST the day before


def test_snapping_is_to_quarter_hours_of_the_wall_clock() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30
    moment = datetime(2031, 3, 30, 10, 7, 30, tzinfo=kolkata)
    assert wc.snap(moment, kolkata).replace(tzinfo=None) == datetime(2031, 3, 30, 10, 15)
    assert wc.snap(datetime(2031, 3, 30, 10, 7, tzinfo=BERLIN), BERLIN).minute == 0
    late = wc.at_minutes(LA_FALL, 97, LA, fold=1)  # 01:37, second pass
    snapped = wc.snap(late, LA)
    assert (snapped.hour, snapped.minute, snapped.fold) == (1, 30, 1)  # the pass is kept
    assert wc.snap_minutes(7.5) == 15 and wc.snap_minutes(7.4) == 0 and wc.snap_minutes(-8) == -15


def test_adding_days_keeps_the_wall_clock_time() -> None:
    saturday = datetime(2031, 3, 29, 10, tzinfo=BERLIN)
    sunday = wc.add_days(saturday, 1, BERLIN)
    assert sunday.replace(tzinfo=None) == datetime(2031, 3, 30, 10)
    assert wc.to_utc(sunday) - wc.to_utc(saturday) == timedelta(hours=23)
    assert wc.add_days(sunday, -1, BERLIN) == saturday


def test_a_span_ending_in_the_second_pass_reaches_as_far_as_it_lasts() -> None:
    start = wc.at_minutes(LA_FALL, 90, LA)                  # 01:30 PDT
    end = wc.to_utc(start) + timedelta(minutes=30)         # 01:00 PST
    assert wc.wall_span(start, end, LA_FALL, LA) == (90, 120)
    across_gap = (wc.at_minutes(BERLIN_SPRING, 90, BERLIN), wc.at_minutes(BERLIN_SPRING, 210, BERLIN))
    assert wc.wall_span(*across_gap, BERLIN_SPRING, BERLIN) == (90, 210)  # one real hour, two rows


@pytest.fixture
def tz_env() -> Iterator[None]:
    before = os.environ.get("TZ")
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize("spec", ["Europe/Berlin", ":Europe/Berlin"])
def test_this_computers_zone_comes_from_tz_by_name(tz_env, spec) -> None:
    os.environ["TZ"] = spec
    time.tzset()
    assert wc.local_zone() == BERLIN
    assert wc.view_zone("") == BERLIN
    assert wc.view_zone("America/Los_Angeles") == LA
    assert wc.view_zone("Not/AZone") == BERLIN


def test_a_zone_file_in_tz_is_read(tz_env) -> None:
    path = next((p for p in ("/usr/share/zoneinfo/America/Los_Angeles",) if os.path.exists(p)), None)
    if path is None:
        pytest.skip("no system zone database here")
    os.environ["TZ"] = path
    time.tzset()
    zone = wc.local_zone()
    assert datetime(2031, 7, 1, 12, tzinfo=zone).utcoffset() == timedelta(hours=-7)
    assert datetime(2031, 1, 1, 12, tzinfo=zone).utcoffset() == timedelta(hours=-8)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        wc.to_utc(datetime(2031, 1, 1))
    with pytest.raises(ValueError):
        wc.in_zone(datetime(2031, 1, 1), BERLIN)


def test_the_skipped_stretch_of_a_spring_day_is_known() -> None:
    assert wc.skipped_minutes(BERLIN_SPRING, BERLIN) == ((120, 180),)
    assert wc.skipped_minutes(LA_SPRING, LA) == ((120, 180),)
    assert wc.skipped_minutes(BERLIN_FALL, BERLIN) == ()
    assert wc.skipped_minutes(date(2031, 6, 1), BERLIN) == ()
