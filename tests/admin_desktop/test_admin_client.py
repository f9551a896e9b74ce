"""The administration client without Qt: exactly the frames of the protocol, answers
stored at once, refusals as typed outcomes, and other PCs' directories kept live.

These run against the in-memory stand-in (``fake_studio.py``) and a recording
request function; the same flows against the real server are in
``test_admin_live.py`` (skipped until the server's administration lands).
"""

from __future__ import annotations

from typing import Any

import pytest

from swan_desktop.core.admin import AdminClient
from swan_desktop.core.directory import Directory
from swan_desktop.core.directory_feed import DirectoryFeed
from swan_desktop.core.outcomes import InUse, Invalid, outcome_of
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.domain.block_contrast import ratio, readable
from swan_desktop.protocol.errors import ProtocolError

from .fake_studio import FakeStudio


class Recorder:
    def __init__(self, replies: dict[str, dict[str, Any]]) -> None:
        self.replies = replies
        self.frames: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
        self.frames.append((rtype, data))
        return self.replies.get(rtype, {})


async def test_each_method_sends_exactly_the_frame_of_the_protocol() -> None:
    trainer = {"id": 7, "name": "Ana", "color": "#1f5f8b", "active": True}
    rec = Recorder({
        "studio.setup.get": {"studio": {"name": "", "setup_complete": False}, "needed": True},
        "studio.setup.set": {"studio": {"name": "Swan", "timezone": "Europe/Berlin", "setup_complete": True}},
        "trainer.create": {"trainer": trainer}, "trainer.update": {"trainer": {**trainer, "active": False}},
        "availability.set": {"trainer_id": 7, "hours": [{"weekday": 0, "start": "09:00", "end": "12:00"}]},
        "timeoff.add": {"time_off": {"id": 3, "start": "2026-12-24", "end": "2026-12-26",
                                     "reason": "Holiday"}},
        "room.create": {"location": {"id": 2, "name": "Studio A", "capacity": 4, "active": True}},
        "room.update": {"location": {"id": 2, "name": "Studio A", "capacity": 4, "active": False}},
        "session_type.create": {"session_type": {"id": 5, "name": "PT", "duration_min": 45,
                                                 "color": "#1f5f8b", "credits": 1, "active": True}},
        "account.create": {"account": {"id": 9, "username": "ana", "name": "Ana", "role": "trainer",
                                       "trainer_id": 7, "active": True}, "password": "x" * 16},
        "account.reset_password": {"password": "y" * 16},
        "directory.import": {"created": {"trainers": 1, "rooms": 0, "session_types": 0}},
    })
    admin = AdminClient(rec, DirectoryFeed(ScheduleStore()))
    state = await admin.setup_state()
    assert state.needed
    await admin.set_studio(name="Swan", timezone="Europe/Berlin", opening_hours=[(0, "07:00", "21:00")],
                           setup_complete=True)
    await admin.create_trainer("Ana", color="#1f5f8b", specialties=["strength"])
    await admin.archive_trainer(7)
    await admin.set_hours(7, [(0, "09:00", "12:00")])
    await admin.add_time_off(7, "2026-12-24", "2026-12-26", "Holiday")
    await admin.remove_time_off(3, 7)
    await admin.create_room("Studio A", 4)
    await admin.update_room(2, active=False)
    await admin.create_type("PT", duration_min=45, color="#1f5f8b", credits=1)
    await admin.delete_type(5)
    await admin.import_directory(trainers=[{"name": "Ben"}])
    created = await admin.create_account("ana", "Ana", "trainer", trainer_id=7)
    assert created.password == "x" * 16 and created.account.trainer_id == 7
    assert await admin.reset_password(9) == "y" * 16
    await admin.set_own_password("old-password", "a-new-long-password")
    assert rec.frames == [
        ("studio.setup.get", {}),
        ("studio.setup.set", {"name": "Swan", "timezone": "Europe/Berlin",
                              "opening_hours": [{"weekday": 0, "start": "07:00", "end": "21:00"}],
                              "setup_complete": True}),
        ("trainer.create", {"name": "Ana", "color": "#1f5f8b", "specialties": ["strength"]}),
        ("trainer.update", {"id": 7, "changes": {"active": False}}),
        ("availability.set", {"trainer_id": 7, "hours": [{"weekday": 0, "start": "09:00", "end": "12:00"}]}),
        ("timeoff.add", {"trainer_id": 7, "start": "2026-12-24", "end": "2026-12-26", "reason": "Holiday"}),
        ("timeoff.remove", {"id": 3}),
        ("room.create", {"name": "Studio A", "capacity": 4}),
        ("room.update", {"id": 2, "changes": {"active": False}}),
        ("session_type.create", {"name": "PT", "duration_min": 45, "color": "#1f5f8b", "credits": 1}),
        ("session_type.delete", {"id": 5}),
        ("directory.import", {"trainers": [{"name": "Ben"}], "rooms": [], "session_types": []}),
        ("account.create", {"username": "ana", "name": "Ana", "role": "trainer", "trainer_id": 7}),
        ("account.reset_password", {"user_id": 9}),
        ("account.set_password", {"current": "old-password", "new": "a-new-long-password"}),
    ]
    directory = admin.feed.directory
    assert directory.studio.name == "Swan" and directory.timezone == "Europe/Berlin"
    assert not directory.trainers[7].active and directory.sorted_trainers() == []
    assert directory.trainers[7].time_off == ()  # added, then removed
    assert directory.active_locations() == [] and directory.locations[0].capacity == 4


async def test_a_field_error_is_invalid_with_its_field_and_a_refused_delete_offers_archiving() -> None:
    studio = FakeStudio()
    admin = studio.attach()
    with pytest.raises(ProtocolError) as refused:
        await admin.create_trainer("Ana", color="#777777")  # neither white nor dark text reads on it
    outcome = outcome_of(refused.value)
    assert isinstance(outcome, Invalid) and outcome.field == "color"
    ana = await admin.create_trainer("Ana", color="#1f5f8b")
    studio.in_use[("trainer", ana.id)] = 3
    with pytest.raises(ProtocolError) as in_use:
        await admin.delete_trainer(ana.id)
    outcome = outcome_of(in_use.value)
    assert isinstance(outcome, InUse) and outcome.sessions == 3
    assert ana.id in admin.feed.directory.trainers  # nothing deleted


async def test_an_import_refusal_names_each_row() -> None:
    studio = FakeStudio()
    admin = studio.attach()
    await admin.create_room("Studio A")
    with pytest.raises(ProtocolError) as refused:
        await admin.import_directory(rooms=[{"name": "Studio B"}, {"name": "Studio A"}])
    outcome = outcome_of(refused.value)
    assert isinstance(outcome, Invalid)
    assert [(r.table, r.row, r.field) for r in outcome.rows] == [("rooms", 1, "name")]
    assert [r.name for r in admin.feed.directory.locations] == ["Studio A"]  # nothing half-imported


async def test_another_pcs_directory_follows_trainers_added_renamed_recoloured_and_archived() -> None:
    studio = FakeStudio()
    office, front_desk = studio.attach(), studio.attach()
    told: list[int] = []
    front_desk.feed.store.add_listener(lambda: told.append(1))
    ana = await office.create_trainer("Ana", color="#1f5f8b")
    seen = front_desk.feed.directory
    assert [t.name for t in seen.sorted_trainers()] == ["Ana"]
    await office.update_trainer(ana.id, name="Ana Kowalski", color="#7a2e8c")
    assert seen.trainers[ana.id].name == "Ana Kowalski" and seen.trainers[ana.id].color == "#7a2e8c"
    await office.set_hours(ana.id, [(0, "09:00", "17:00")])
    await office.add_time_off(ana.id, "2026-12-24", "2026-12-26")
    assert seen.trainers[ana.id].hours == ((0, "09:00", "17:00"),)
    assert [t.start for t in seen.trainers[ana.id].time_off] == ["2026-12-24"]
    await office.archive_trainer(ana.id)
    assert seen.sorted_trainers() == []  # out of pickers and columns …
    assert seen.trainer_name(ana.id) == "Ana Kowalski"  # … but old sessions still name her
    assert len(told) >= 5


def test_the_contrast_rule_uses_the_block_texts_and_the_wcag_ratio() -> None:
    assert round(ratio("#ffffff", "#000000"), 1) == 21.0
    assert readable("#1f5f8b") == ("#ffffff", pytest.approx(ratio("#ffffff", "#1f5f8b")))
    assert readable("#f4d35e") is not None and readable("#f4d35e")[0] == "#1f2a33"  # type: ignore[index]
    assert readable("#777777") is None
    assert readable("blue") is None


async def test_the_offline_copy_keeps_what_administration_changed() -> None:
    studio = FakeStudio()
    admin = studio.attach()
    await admin.set_studio(name="Swan", timezone="Europe/Berlin")
    ana = await admin.create_trainer("Ana", color="#1f5f8b", user_id=1)
    await admin.add_time_off(ana.id, "2026-12-24", "2026-12-26", "Holiday")
    await admin.create_room("Studio A", 3)
    await admin.create_type("PT", duration_min=45)
    directory = admin.feed.directory
    assert Directory.from_wire(directory.to_wire()) == directory


async def test_an_account_made_on_another_desktop_is_listed_at_once() -> None:
    studio = FakeStudio()
    office, other = studio.attach(), studio.attach()
    await other.load_accounts()
    made = await office.create_account("rosa", "Rosa Lind", "viewer")
    seen = other.accounts.get(made.account.id)
    assert seen is not None and seen.name == "Rosa Lind"
    await office.update_account(made.account.id, active=False)
    assert other.accounts.get(made.account.id).active is False  # type: ignore[union-attr]
