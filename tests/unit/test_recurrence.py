"""Recurring sessions: RRULE expansion, the studio's caps, exceptions, and DST."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from swan_desktop.domain.recurrence import MAX_OCCURRENCES, RecurrenceError, expand

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)


def test_weekly_rule_keeps_local_time_across_the_autumn_dst_change() -> None:
    # 7:00 on Tuesdays in New York; DST ends on Sunday 1 November 2026.
    occ = expand("FREQ=WEEKLY;BYDAY=TU;COUNT=3", datetime(2026, 10, 27, 7, 0), HOUR, NY)
    assert [o.local_start.strftime("%a %d %b %H:%M") for o in occ] == [
        "Tue 27 Oct 07:00", "Tue 03 Nov 07:00", "Tue 10 Nov 07:00"]
    assert [o.start.hour for o in occ] == [11, 12, 12]  # UTC moves, the wall clock does not
    assert all(o.end - o.start == HOUR for o in occ)


def test_daily_rule_across_the_spring_gap_moves_the_missing_hour_forward() -> None:
    # Berlin springs forward at 02:00 on 29 March 2026: 02:30 does not exist that day.
    occ = expand("FREQ=DAILY;COUNT=3", datetime(2026, 3, 28, 2, 30), HOUR, BERLIN)
    assert [o.local_start.strftime("%d %H:%M") for o in occ] == ["28 02:30", "29 03:30", "30 02:30"]


def test_series_are_capped_at_52_occurrences() -> None:
    occ = expand("FREQ=DAILY", datetime(2026, 1, 5, 9), HOUR, BERLIN)
    assert len(occ) == MAX_OCCURRENCES


def test_series_are_capped_at_twelve_months() -> None:
    occ = expand("FREQ=MONTHLY;BYMONTHDAY=15", datetime(2026, 1, 15, 9), HOUR, BERLIN)
    assert occ[-1].local_start.date().isoformat() == "2027-01-15"
    assert len(occ) == 13  # 15 Jan 2026 … 15 Jan 2027 inclusive, within 366 days


def test_removed_occurrences_stay_removed() -> None:
    occ = expand("FREQ=WEEKLY;COUNT=4", datetime(2026, 6, 1, 18), HOUR, BERLIN,
                 exceptions=[datetime(2026, 6, 8, 18)])
    assert [o.local_start.day for o in occ] == [1, 15, 22]


@pytest.mark.parametrize(("rule", "message"), [
    ("FREQ=HOURLY", "repeat daily, weekly or monthly"),
    ("COUNT=3", "FREQ=missing"),
    ("FREQ=WEEKLY;BYDAY=XX", "not valid"),
])
def test_unusable_rules_are_refused_in_words(rule: str, message: str) -> None:
    with pytest.raises(RecurrenceError, match=message):
        expand(rule, datetime(2026, 6, 1, 18), HOUR, BERLIN)
