"""Importing a Google Calendar export as a trainer's blocked time, against the
real server: the preview names every clash, only clash-free events are
created, and importing the same file again finds them all taken."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from swan_desktop.core.client import StudioClient
from swan_desktop.core.ics_import import AS_BLOCKED, apply_plan, plan_import
from swan_desktop.domain.overlap import overlaps
from swan_desktop.protocol.entities import OCCUPYING, Status

GOOGLE = (Path(__file__).parent.parent / "fixtures" / "ics" / "google_export.ics").read_bytes()
TZ = ZoneInfo("Europe/Lisbon")


async def test_import_previews_clashes_and_creates_only_clash_free_blocked_time(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    await boss.load_range(datetime(2026, 11, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    trainer = 1
    # A known clash: the trainer already has a client at the first bootcamp (07:30 Lisbon = UTC).
    await boss.create_session({"start": "2026-11-26T07:00:00Z", "end": "2026-11-26T08:00:00Z",
                               "trainer_id": trainer, "client_name": "Known clash"}, allow_overlap=True)
    plan = plan_import(GOOGLE, boss.store, trainer, AS_BLOCKED, TZ)
    assert any(c.other.client_name == "Known clash" for i in plan.clashing for c in i.clashes)
    assert [i.event.summary for i in plan.items].count("Outdoor bootcamp") == 3
    for item in plan.items:  # the report is exactly the trainer's overlapping sessions
        expected = {s.id for s in boss.store.between(item.event.start, item.event.end)
                    if s.trainer_id == trainer and s.status in OCCUPYING
                    and overlaps(s.start, s.end, item.event.start, item.event.end)}
        assert {c.other.id for c in item.clashes} == expected

    made = await apply_plan(plan, boss)
    assert made  # 17 December lies beyond the demo schedule: at least that one is free
    assert len(made) == len(plan.items) - len(plan.clashing)
    assert all(s.status is Status.BLOCKED and s.trainer_id == trainer for s in made)
    assert {s.notes for s in made} <= {"Holiday – Porto", "Outdoor bootcamp"}

    again = plan_import(GOOGLE, boss.store, trainer, AS_BLOCKED, TZ)
    assert len(again.clashing) == len(again.items)  # nothing would be imported twice
