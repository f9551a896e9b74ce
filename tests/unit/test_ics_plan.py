"""Planning an import on the studio's wall clock: an all-day event is one row per studio day,
a 25-hour day (the clocks go back) two rows of at most 24 hours, floating times are the studio's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from swan_desktop.core.ics_import import AS_BLOCKED, AS_SESSIONS, plan_import
from swan_desktop.core.schedule import ScheduleStore

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ics"


def test_the_day_the_clocks_go_back_is_two_rows_and_floating_time_is_the_studios() -> None:
    data = (FIXTURES / "google_dst_all_day_floating.ics").read_bytes()
    plan = plan_import(data, ScheduleStore(), 1, AS_BLOCKED, ZoneInfo("Europe/Lisbon"))
    race = [i for i in plan.items if i.event.summary == "Half marathon"]
    assert [(i.event.start, i.event.end) for i in race] == [
        (datetime(2026, 10, 24, 23, tzinfo=UTC), datetime(2026, 10, 25, 12, tzinfo=UTC)),  # 00:00–12:00
        (datetime(2026, 10, 25, 12, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC))]
    assert all(i.ok and i.event.end - i.event.start <= timedelta(hours=24) for i in race)
    assert all("the clocks go back this day" in " ".join(i.notes) for i in race)
    (stretch,) = [i for i in plan.items if i.event.summary == "Recovery stretch"]
    assert stretch.fields["start"] == "2026-10-26T09:00:00Z" and stretch.fields["status"] == "blocked"


def test_an_outside_events_fields_as_sessions() -> None:
    data = (FIXTURES / "google_moved_occurrence.ics").read_bytes()
    plan = plan_import(data, ScheduleStore(), 2, AS_SESSIONS, ZoneInfo("Europe/Lisbon"))
    moved = next(i for i in plan.items if i.event.summary.endswith("(moved)"))
    assert moved.fields == {"start": "2026-11-11T07:30:00Z", "end": "2026-11-11T08:30:00Z", "trainer_id": 2,
                            "status": "scheduled", "notes": "Pilates with Rita (moved)",
                            "client_name": "Pilates with Rita (moved)", "location": "Studio B"}
    assert any("moved from Tue 10 Nov 18:00" in n for n in moved.notes)
