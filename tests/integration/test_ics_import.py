"""Importing a Google Calendar export as a trainer's blocked time, against the
real server: the preview names every clash, only clash-free events are
created, and importing the same file again finds them all taken."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.core.ics_import import AS_BLOCKED, AS_SESSIONS, ImportFailed, apply_plan, plan_import
from swan_desktop.domain.ics import export_sessions
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


OUTLOOK = (Path(__file__).parent.parent / "fixtures" / "ics" / "outlook_multi_day.ics").read_bytes()
JANUARY = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC))


def _imported(client: StudioClient, trainer: int) -> list:
    return [s for s in client.store.between(*JANUARY)
            if s.trainer_id == trainer and s.status is Status.BLOCKED]


async def test_a_multi_day_all_day_event_is_one_row_per_day_and_a_long_timed_one_refused(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    await boss.load_range(*JANUARY)
    plan = plan_import(OUTLOOK, boss.store, 1, AS_BLOCKED, TZ)
    camp = [i for i in plan.items if i.event.summary == "Training camp"]
    assert [(i.event.start.day, i.event.end.day, i.ok) for i in camp] == [(11, 12, True), (12, 13, True),
                                                                          (13, 14, True)]
    assert [i.notes for i in camp] == [("day 1 of 3",), ("day 2 of 3",), ("day 3 of 3",)]
    (expo,) = [i for i in plan.items if i.event.summary == "Fitness expo"]
    assert not expo.ok and "longer than 24 hours" in expo.problem

    made = await apply_plan(plan, boss)  # the preview is the truth: all three days, nothing stops
    assert [s.start.day for s in made] == [11, 12, 13]
    assert len(_imported(boss, 1)) == 3


async def test_an_import_the_server_refuses_half_way_leaves_nothing_created(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    other: StudioClient = await sign_in("ana")
    await boss.load_range(*JANUARY)
    plan = plan_import(OUTLOOK, boss.store, 1, AS_BLOCKED, TZ)
    assert len([i for i in plan.items if i.ok]) == 3
    # Someone books the trainer on the camp's last day after the preview was made.
    await other.create_session({"start": "2027-01-13T10:00:00Z", "end": "2027-01-13T11:00:00Z",
                                "trainer_id": 1, "client_name": "Booked meanwhile"})
    with pytest.raises(ImportFailed) as failed:
        await apply_plan(plan, boss)
    assert failed.value.item.event.start.day == 13 and not failed.value.left
    assert "nothing was imported" in str(failed.value)
    await boss.load_range(*JANUARY)
    assert _imported(boss, 1) == []


async def test_export_then_import_keeps_every_field_and_updates_by_uid(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    await boss.load_range(*JANUARY)
    d = boss.store.directory
    trainer, kind = d.sorted_trainers()[-1].id, min(d.session_types)
    room = d.locations[0].name if d.locations else "Studio A"
    kept = await boss.create_session({"start": "2027-01-20T09:00:00Z", "end": "2027-01-20T10:00:00Z",
                                      "trainer_id": trainer, "client_name": "Tom Reed", "location": room,
                                      "session_type_id": kind, "status": "confirmed", "notes": "Knee"})
    gone = await boss.create_session({"start": "2027-01-21T09:00:00Z", "end": "2027-01-21T10:00:00Z",
                                      "trainer_id": trainer, "client_name": "Amy", "location": room,
                                      "session_type_id": kind})
    gone = await boss.update_session(gone.id, gone.version, {"status": "cancelled", "cancel_reason": "Ill"})
    data = export_sessions([kept, gone], calendar_name="x", trainer_name=d.trainer_name,
                           type_name=d.type_name)

    moved = await boss.update_session(kept.id, kept.version, {"start": "2027-01-20T15:00:00Z",
                                                             "end": "2027-01-20T16:00:00Z", "location": None})
    await boss.delete_session(gone.id, gone.version)
    plan = plan_import(data, boss.store, 1, AS_SESSIONS, TZ)  # the chosen trainer is only a fallback
    assert [(i.ok, i.updates.id if i.updates else None) for i in plan.items] == [(True, moved.id),
                                                                                 (True, None)]
    made = await apply_plan(plan, boss)
    again, back = made
    assert again.id == kept.id and again.start == kept.start
    for old, new in ((kept, again), (gone, back)):
        assert (new.trainer_id, new.session_type_id, new.location, new.status, new.client_name, new.notes,
                new.cancel_reason) == (old.trainer_id, old.session_type_id, old.location, old.status,
                                       old.client_name, old.notes, old.cancel_reason)
    await boss.load_range(*JANUARY)
    assert len([s for s in boss.store.between(*JANUARY) if s.trainer_id == trainer]) == 2  # no duplicates


async def test_sessions_outside_the_trainers_working_hours_are_refused_in_the_preview(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    trainer = 2
    weekdays = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    await boss.link.request("availability.set", {"trainer_id": trainer, "hours": weekdays})
    await boss._load_directory()  # the hours as a desktop reads them after they changed
    await boss.load_range(*JANUARY)
    plan = plan_import(OUTLOOK, boss.store, trainer, AS_SESSIONS, TZ)
    camp = [i for i in plan.items if i.event.summary == "Training camp"]
    assert all("outside" in i.problem and "working hours" in i.problem for i in camp)  # whole days
    assert [i for i in plan.items if i.ok] == []
    blocked = plan_import(OUTLOOK, boss.store, trainer, AS_BLOCKED, TZ)  # time off is not limited
    assert [i.event.start.day for i in blocked.items if i.ok] == [11, 12, 13]
