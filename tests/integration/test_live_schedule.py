"""Two desktops on one server see each other's changes live, in order, and the
server's refusals arrive as errors the views can act on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Role, Status
from swan_desktop.protocol.errors import ErrorCode, ProtocolError
from tests.support.poll import until

from .support import SCHEDULE_FAR, schedule_fields


async def test_sign_in_loads_directory_and_identifies_the_user(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    assert ana.user is not None and ana.user.role is Role.TRAINER
    assert len(ana.store.directory.trainers) >= 4
    assert len(ana.store.directory.clients) >= 30
    staff = {u.name: u.role for u in ana.store.directory.users.values()}
    assert staff["Ana"] is Role.TRAINER and staff["Boss"] is Role.ADMIN  # "changed by" has names


async def test_edits_in_one_desktop_appear_in_another_in_order(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    await boss.load_range(SCHEDULE_FAR - timedelta(days=1), SCHEDULE_FAR + timedelta(days=2))
    seen: list[tuple[int, str]] = []
    boss.router.register("session:", lambda e: seen.append((e.seq, e.kind)))

    created = await ana.create_session(schedule_fields())
    moved = await ana.update_session(created.id, created.version,
                                     {"start": schedule_fields(SCHEDULE_FAR + timedelta(hours=2))["start"],
                                      "end": schedule_fields(SCHEDULE_FAR + timedelta(hours=2))["end"]})
    confirmed = await ana.update_session(moved.id, moved.version, {"status": "confirmed"})

    def boss_has_confirmed() -> bool:
        s = boss.store.get(created.id)
        return s is not None and s.status is Status.CONFIRMED

    await until(boss_has_confirmed)
    got = boss.store.get(created.id)
    assert got is not None and got.start == SCHEDULE_FAR + timedelta(hours=2)
    assert got.version == confirmed.version
    assert [kind for _, kind in seen] == ["session:created", "session:updated", "session:updated",
                                          "session:confirmed"]
    assert [seq for seq, _ in seen] == sorted(seq for seq, _ in seen)

    await ana.delete_session(confirmed.id, confirmed.version)
    await until(lambda: boss.store.get(created.id) is None)


async def test_viewer_is_refused_by_the_server(sign_in) -> None:
    vic: StudioClient = await sign_in("vic")
    with pytest.raises(ProtocolError) as caught:
        await vic.create_session(schedule_fields())
    assert caught.value.code is ErrorCode.FORBIDDEN


async def test_overlap_is_refused_naming_the_clash(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    first = await ana.create_session(schedule_fields(client_name="Tom"))
    with pytest.raises(ProtocolError) as caught:
        await ana.create_session(schedule_fields(SCHEDULE_FAR + timedelta(minutes=30)))
    err = caught.value
    assert err.code is ErrorCode.CONFLICT
    assert err.data is not None and err.data["conflict"] == "double-booking"
    assert [c["id"] for c in err.data["clashes"]] == [first.id]
    trainer = ana.store.directory.trainer_name(1)
    assert trainer in err.data["message"]


async def test_stale_version_conflict_carries_the_current_session(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    created = await ana.create_session(schedule_fields())
    await boss.update_session(created.id, created.version, {"notes": "boss was here"})
    with pytest.raises(ProtocolError) as caught:
        await ana.update_session(created.id, created.version, {"notes": "ana's note"})
    err = caught.value
    assert err.code is ErrorCode.CONFLICT
    assert err.data is not None and err.data["reason"] == "stale_version"
    assert err.data["current"]["notes"] == "boss was here"
    assert err.data["current"]["version"] == created.version + 1


async def test_schedule_query_reports_the_log_position_it_was_read_at(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    before = await ana.link.request("schedule.query", {"start": "2031-03-01T00:00:00Z",
                                                             "end": "2031-03-05T00:00:00Z"})
    await ana.create_session(schedule_fields())
    after = await ana.link.request("schedule.query", {"start": "2031-03-01T00:00:00Z",
                                                            "end": "2031-03-05T00:00:00Z"})
    assert after["epoch"] == before["epoch"]
    assert after["seq"] == before["seq"] + 1  # one session:created event in between
    assert len(after["sessions"]) == len(before["sessions"]) + 1
