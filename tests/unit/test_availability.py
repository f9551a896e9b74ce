"""Trainer availability: working hours, booking outside them, finding free slots."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from swan_desktop.domain.availability import Hours, free_slots, outside_hours

TZ = ZoneInfo("Europe/London")
MON = date(2026, 6, 1)  # a Monday (BST, UTC+1)
WEEK = {0: (Hours(time(9), time(12)), Hours(time(13), time(17))), 2: (Hours(time(9), time(17)),)}


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TZ).astimezone(UTC)


def test_booking_inside_working_hours_is_fine_and_outside_warns() -> None:
    assert not outside_hours(WEEK, local(MON, 9), local(MON, 10), TZ)
    assert outside_hours(WEEK, local(MON, 11, 30), local(MON, 12, 30), TZ)  # across lunch
    assert outside_hours(WEEK, local(MON + timedelta(days=1), 9), local(MON + timedelta(days=1), 10), TZ)


def test_free_slots_skip_busy_time_and_snap_to_quarter_hours() -> None:
    busy = [(local(MON, 9, 10), local(MON, 10, 5)), (local(MON, 13), local(MON, 16))]
    slots = free_slots(WEEK, busy, timedelta(hours=1), MON, MON, TZ)
    starts = [s.astimezone(TZ).strftime("%H:%M") for s, _ in slots]
    assert starts == ["10:15", "16:00"]  # 9:00–9:10 is too short; 10:15–11:15 fits before 12:00


def test_free_slots_cover_several_days_in_order_and_respect_the_limit() -> None:
    slots = free_slots(WEEK, [], timedelta(minutes=90), MON, MON + timedelta(days=2), TZ, limit=5)
    labels = [s.astimezone(TZ).strftime("%a %H:%M") for s, _ in slots]
    assert labels == ["Mon 09:00", "Mon 10:30", "Mon 13:00", "Mon 14:30", "Wed 09:00"]


def test_past_time_is_never_offered() -> None:
    slots = free_slots(WEEK, [], timedelta(hours=1), MON, MON, TZ, not_before=local(MON, 14, 5))
    assert [s.astimezone(TZ).strftime("%H:%M") for s, _ in slots] == ["14:15", "15:15"]
