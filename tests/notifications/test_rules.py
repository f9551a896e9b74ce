"""Pure rules: quiet hours (across midnight), do-not-disturb, critical override, throttle with summary."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from swan_desktop.domain.quiet_hours import Gate, QuietHours, Window, dnd_for, dnd_until_tomorrow
from swan_desktop.domain.throttle import Throttle

MON = datetime(2031, 3, 3, 12, 0)  # a Monday


def test_a_window_wrapping_midnight_is_quiet_on_both_sides_and_ends_next_morning() -> None:
    quiet = QuietHours({0: Window.parse("22:00-07:00")})
    assert not quiet.is_quiet(MON.replace(hour=21, minute=59))
    assert quiet.quiet_until(MON.replace(hour=23)) == datetime(2031, 3, 4, 7, 0)
    assert quiet.quiet_until(datetime(2031, 3, 4, 6, 59)) == datetime(2031, 3, 4, 7, 0)
    assert not quiet.is_quiet(datetime(2031, 3, 4, 7, 0))
    assert not quiet.is_quiet(datetime(2031, 3, 4, 23, 0))  # Tuesday has no window of its own
    assert not quiet.is_quiet(MON.replace(hour=3))          # Sunday night had none either


def test_a_daytime_window_and_the_json_round_trip() -> None:
    quiet = QuietHours({5: Window.parse("12:00–14:00")})
    sat = MON + timedelta(days=5)
    assert quiet.is_quiet(sat.replace(hour=13)) and not quiet.is_quiet(sat.replace(hour=14))
    assert QuietHours.from_json(quiet.to_json()) == quiet
    with pytest.raises(ValueError, match="not a time"):
        Window.parse("noon-2")


def test_dnd_expires_and_critical_breaks_through_unless_turned_off() -> None:
    gate = Gate(dnd_until=dnd_for(MON, 30))
    assert gate.holds(MON + timedelta(minutes=29), "high")
    assert not gate.holds(MON + timedelta(minutes=30), "high")
    assert not gate.holds(MON + timedelta(minutes=1), "critical")
    strict = Gate(dnd_until=dnd_until_tomorrow(MON), critical_breaks_through=False)
    assert strict.holds(MON.replace(hour=23, minute=59), "critical")
    assert not strict.holds(datetime(2031, 3, 4, 0, 0), "critical")


def test_the_throttle_holds_beyond_n_per_minute_and_sums_them_up_once() -> None:
    throttle = Throttle(limit=3)
    admitted = [throttle.admit("schedule", MON + timedelta(seconds=i)) for i in range(10)]
    assert admitted == [True] * 3 + [False] * 7
    assert throttle.admit("system", MON)  # each category has its own budget
    assert throttle.due(MON + timedelta(seconds=30)) == []
    (summary,) = throttle.due(MON + timedelta(seconds=61))
    assert summary.count == 7 and summary.text == "7 more schedule notifications"
    assert throttle.held() == 0 and throttle.due(MON + timedelta(minutes=5)) == []
