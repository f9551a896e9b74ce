"""The administration client without Qt, against the real server: each method does on
the server what the protocol says, answers are stored at once, refusals come back as
typed outcomes, and other PCs' directories and account lists follow live.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from swan_desktop.core.directory import Directory
from swan_desktop.core.outcomes import InUse, Invalid, outcome_of
from swan_desktop.domain.block_contrast import ratio, readable
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.server import PASSWORDS, signs_in

from .live_client_support import held, rows_held, studio_held

NEW_BOSS_PASSWORD = "a-new-long-password"


def at(hour: int, day: int = 3) -> str:
    """A time on 2031-03-``day`` (far ahead of today), as the wire writes it."""
    return datetime(2031, 3, day, hour, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_each_method_does_on_the_server_what_the_protocol_says(
        on_empty: SignIn, empty_server: EmbeddedServer) -> None:
    boss = await on_empty("boss")
    admin = boss.admin
    state = await admin.setup_state()
    assert state.needed
    await admin.set_studio(name="Swan", timezone="Europe/Berlin", opening_hours=[(0, "07:00", "21:00")],
                           setup_complete=True)
    assert await studio_held(empty_server) == {
        "name": "Swan", "timezone": "Europe/Berlin",
        "opening_hours": [{"weekday": 0, "start": "07:00", "end": "21:00"}], "setup_complete": True}

    ana = await admin.create_trainer("Ana", color="#1f5f8b", specialties=["strength"])
    await admin.archive_trainer(ana.id)
    await admin.set_hours(ana.id, [(0, "09:00", "12:00")])
    off = await admin.add_time_off(ana.id, "2031-12-24", "2031-12-26", "Holiday")
    assert (await rows_held(empty_server, "trainers"))[0]["time_off"] == [
        {"id": off.id, "start": "2031-12-24", "end": "2031-12-26", "reason": "Holiday"}]
    await admin.remove_time_off(off.id, ana.id)
    room = await admin.create_room("Studio A", 4)
    await admin.update_room(room.id, active=False)
    kind = await admin.create_type("PT", duration_min=45, color="#1f5f8b", credits=1)
    assert [(t["name"], t["duration_min"], t["color"], t["credits"])
            for t in await rows_held(empty_server, "session_types")] == [("PT", 45, "#1f5f8b", 1)]
    await admin.delete_type(kind.id)
    assert await admin.import_directory(trainers=[{"name": "Ben"}]) == {
        "trainers": 1, "rooms": 0, "session_types": 0}
    created = await admin.create_account("rosa", "Rosa Lind", "trainer", trainer_id=ana.id)
    assert created.account.trainer_id == ana.id and created.account.username == "rosa"
    assert await signs_in(empty_server, "rosa", created.password)
    reset = await admin.reset_password(created.account.id)
    assert reset != created.password
    assert await signs_in(empty_server, "rosa", reset)
    assert not await signs_in(empty_server, "rosa", created.password)

    directory_held = await held(empty_server, "directory.query")
    trainers = {t["name"]: t for t in directory_held["trainers"]}
    assert sorted(trainers) == ["Ana", "Ben"]
    fields = ("color", "specialties", "active", "user_id", "hours", "time_off")
    assert {k: trainers["Ana"][k] for k in fields} == {
        "color": "#1f5f8b", "specialties": ["strength"], "active": False, "user_id": created.account.id,
        "hours": [{"weekday": 0, "start": "09:00", "end": "12:00"}], "time_off": []}
    assert trainers["Ben"]["active"] is True
    assert [(r["name"], r["capacity"], r["active"]) for r in directory_held["locations"]] == [
        ("Studio A", 4, False)]
    assert directory_held["session_types"] == []
    rosa = next(a for a in (await held(empty_server, "account.list"))["accounts"] if a["username"] == "rosa")
    assert (rosa["name"], rosa["role"], rosa["trainer_id"]) == ("Rosa Lind", "trainer", ana.id)

    directory = admin.feed.directory
    assert directory.studio.name == "Swan" and directory.timezone == "Europe/Berlin"
    assert not directory.trainers[ana.id].active
    assert directory.trainers[ana.id].time_off == ()  # added, then removed
    assert directory.trainers[ana.id].hours == ((0, "09:00", "12:00"),)
    assert directory.active_locations() == [] and directory.locations[0].capacity == 4
    assert directory.active_session_types() == []
    await until(lambda: [t.name for t in admin.feed.directory.sorted_trainers()] == ["Ben"], 5)  # by event

    await admin.set_own_password(PASSWORDS["boss"], NEW_BOSS_PASSWORD)
    assert await signs_in(empty_server, "boss", NEW_BOSS_PASSWORD)
    assert not await signs_in(empty_server, "boss", PASSWORDS["boss"])
    assert not (await admin.setup_state()).needed  # the desktop that changed it stays signed in


async def test_a_field_error_is_invalid_with_its_field_and_a_refused_delete_offers_archiving(
        on_empty: SignIn, empty_server: EmbeddedServer) -> None:
    boss = await on_empty("boss")
    admin = boss.admin
    with pytest.raises(ProtocolError) as refused:
        await admin.create_trainer("Ana", color="#777777")  # neither white nor dark text reads on it
    outcome = outcome_of(refused.value)
    assert isinstance(outcome, Invalid) and outcome.field == "color"
    assert await rows_held(empty_server, "trainers") == []
    ana = await admin.create_trainer("Ana", color="#1f5f8b")
    for hour in (9, 11, 13):
        await boss.create_session({"start": at(hour), "end": at(hour + 1), "trainer_id": ana.id,
                                   "client_name": "Dana"})
    with pytest.raises(ProtocolError) as in_use:
        await admin.delete_trainer(ana.id)
    outcome = outcome_of(in_use.value)
    assert isinstance(outcome, InUse) and outcome.sessions == 3
    assert ana.id in admin.feed.directory.trainers  # nothing deleted, here …
    assert [t["id"] for t in await rows_held(empty_server, "trainers")] == [ana.id]  # … or there


async def test_an_import_refusal_names_each_row(on_empty: SignIn, empty_server: EmbeddedServer) -> None:
    admin = (await on_empty("boss")).admin
    await admin.create_room("Studio A")
    with pytest.raises(ProtocolError) as refused:
        await admin.import_directory(rooms=[{"name": "Studio B"}, {"name": "Studio A"}])
    outcome = outcome_of(refused.value)
    assert isinstance(outcome, Invalid)
    assert [(r.table, r.row, r.field) for r in outcome.rows] == [("rooms", 1, "name")]
    assert [r.name for r in admin.feed.directory.locations] == ["Studio A"]  # nothing half-imported
    assert [r["name"] for r in await rows_held(empty_server, "locations")] == ["Studio A"]


async def test_another_pcs_directory_follows_trainers_added_renamed_recoloured_and_archived(
        on_empty: SignIn) -> None:
    office = (await on_empty("boss")).admin
    front_desk = await on_empty("vic")
    told: list[int] = []
    front_desk.store.add_listener(lambda: told.append(1))

    def seen() -> Directory:
        return front_desk.store.directory

    ana = await office.create_trainer("Ana", color="#1f5f8b")
    await until(lambda: [t.name for t in seen().sorted_trainers()] == ["Ana"])
    await office.update_trainer(ana.id, name="Ana Kowalski", color="#7a2e8c")
    await until(lambda: (seen().trainers[ana.id].name, seen().trainers[ana.id].color)
                == ("Ana Kowalski", "#7a2e8c"), 5)
    await office.set_hours(ana.id, [(0, "09:00", "17:00")])
    await office.add_time_off(ana.id, "2031-12-24", "2031-12-26")
    await until(lambda: seen().trainers[ana.id].hours == ((0, "09:00", "17:00"),))
    await until(lambda: [t.start for t in seen().trainers[ana.id].time_off] == ["2031-12-24"])
    await office.archive_trainer(ana.id)
    await until(lambda: seen().sorted_trainers() == [], 5)  # out of pickers and columns …
    assert seen().trainer_name(ana.id) == "Ana Kowalski"  # … but old sessions still name her
    assert len(told) >= 5


def test_the_contrast_rule_uses_the_block_texts_and_the_wcag_ratio() -> None:
    assert round(ratio("#ffffff", "#000000"), 1) == 21.0
    assert readable("#1f5f8b") == ("#ffffff", pytest.approx(ratio("#ffffff", "#1f5f8b")))
    assert readable("#f4d35e") is not None and readable("#f4d35e")[0] == "#1f2a33"  # type: ignore[index]
    assert readable("#777777") is None
    assert readable("blue") is None


async def test_the_offline_copy_keeps_what_administration_changed(on_empty: SignIn) -> None:
    admin = (await on_empty("boss")).admin
    await admin.load_accounts()
    ana_account = next(a for a in admin.accounts.all() if a.username == "ana")
    await admin.set_studio(name="Swan", timezone="Europe/Berlin")
    ana = await admin.create_trainer("Ana", color="#1f5f8b", user_id=ana_account.id)
    await admin.add_time_off(ana.id, "2031-12-24", "2031-12-26", "Holiday")
    await admin.create_room("Studio A", 3)
    await admin.create_type("PT", duration_min=45)
    directory = admin.feed.directory
    assert directory.trainers[ana.id].user_id == ana_account.id and directory.trainers[ana.id].time_off
    assert directory.studio.name == "Swan" and directory.locations and directory.session_types
    assert Directory.from_wire(directory.to_wire()) == directory


async def test_an_account_made_on_another_desktop_is_listed_at_once(on_empty: SignIn) -> None:
    office, other = (await on_empty("boss")).admin, (await on_empty("boss")).admin
    await other.load_accounts()
    made = await office.create_account("rosa", "Rosa Lind", "viewer")
    await until(lambda: other.accounts.get(made.account.id) is not None)
    seen = other.accounts.get(made.account.id)
    assert seen is not None and seen.name == "Rosa Lind"
    await office.update_account(made.account.id, active=False)
    await until(lambda: other.accounts.get(made.account.id).active is False, 5)  # type: ignore[union-attr]
