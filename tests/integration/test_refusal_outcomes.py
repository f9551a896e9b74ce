"""Every refusal the real server sends, produced on loopback, maps to its typed outcome.

Each test provokes one refusal from a running swan-server with a plain
protocol client and hands the error reply, as it came off the wire, to
``core.outcomes.outcome_of``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.core.outcomes import (
    Clash,
    Forbidden,
    Invalid,
    Locked,
    NotFound,
    Outcome,
    OutsideHours,
    RateLimited,
    StaleVersion,
    Unauthorized,
    outcome_of,
)
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from tests.support.server import Clients, WsClient, session_data, start_server

WEEKLY_TWICE = {"rrule": "FREQ=WEEKLY;COUNT=2", "tz": "UTC"}


@pytest.fixture
async def clients(server: EmbeddedServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close()


async def refusal(client: WsClient, rtype: str, data: dict[str, Any], *,
                  may_override: bool = False) -> Outcome:
    error = await client.error(rtype, data)
    return outcome_of(ProtocolError.from_wire(error), may_override=may_override)


async def created(client: WsClient, **overrides: Any) -> dict[str, Any]:
    return dict((await client.ok("session.create", session_data(**overrides)))["session"])


async def test_an_invalid_field_names_the_field(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    outcome = await refusal(boss, "session.create", session_data(end="2031-03-03T09:00:00Z"))
    assert isinstance(outcome, Invalid) and outcome.field == "end" and "after" in outcome.message


async def test_unknown_fields_are_invalid_and_named(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    outcome = await refusal(boss, "session.create", session_data(colour="red", mood="good"))
    assert outcome == Invalid(outcome.message, None, ("colour", "mood"))


async def test_a_missing_session_and_a_missing_trainer_are_not_found(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    gone = await refusal(boss, "session.update", {"id": 987654, "version": 1, "changes": {"notes": "x"}})
    assert isinstance(gone, NotFound) and gone.field == "id"
    trainer = await refusal(boss, "session.create", session_data(trainer_id=999))
    assert isinstance(trainer, NotFound) and trainer.field == "trainer_id"


async def test_a_viewer_is_forbidden_and_a_wrong_password_unauthorized(clients: Clients) -> None:
    vic = await clients.signed_in("vic")
    assert isinstance(await refusal(vic, "session.create", session_data()), Forbidden)
    stranger = await clients.open()
    outcome = await refusal(stranger, "authenticate", {"username": "ana", "password": "wrong"})
    assert isinstance(outcome, Unauthorized) and outcome.message


async def test_a_stale_deletion_carries_the_current_session(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    first = await created(boss)
    await boss.ok("session.update", {"id": first["id"], "version": 1, "changes": {"notes": "moved"}})
    outcome = await refusal(boss, "session.delete", {"id": first["id"], "version": 1})
    assert isinstance(outcome, StaleVersion) and outcome.merge is None
    assert outcome.current.id == first["id"] and outcome.current.version == 2
    assert outcome.current.notes == "moved"


async def test_the_same_field_changed_twice_is_a_stale_version_with_a_merge_clash(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    first = await created(boss)
    await boss.ok("session.update", {"id": first["id"], "version": 1, "changes": {"notes": "theirs"}})
    outcome = await refusal(boss, "session.update",
                            {"id": first["id"], "version": 1, "changes": {"notes": "mine"}})
    assert isinstance(outcome, StaleVersion) and outcome.merge is not None
    assert outcome.merge.how == "clash" and outcome.merge.fields == ("notes",)
    assert outcome.merge.mine == {"notes": "mine"} and outcome.current.notes == "theirs"


async def test_manual_review_carries_base_current_and_mine(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await boss.ok("studio.settings.set", {"conflict_strategy": "manual-review"})
    first = await created(boss, notes="first")
    await boss.ok("session.update", {"id": first["id"], "version": 1, "changes": {"location": "Studio B"}})
    outcome = await refusal(boss, "session.update",
                            {"id": first["id"], "version": 1, "changes": {"notes": "mine"}})
    assert isinstance(outcome, StaleVersion) and outcome.merge is not None
    merge = outcome.merge
    assert merge.how == "review" and merge.strategy == "manual-review"
    assert "location" in merge.fields and merge.base["notes"] == "first" and merge.mine == {"notes": "mine"}
    assert outcome.current.location == "Studio B" and outcome.current.version == 2


async def test_a_double_booking_is_a_clash_naming_the_other_session(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    first = await created(boss)
    outcome = await refusal(boss, "session.create", session_data(client_id=2), may_override=True)
    assert isinstance(outcome, Clash)
    assert outcome.kind == "double-booking" and outcome.severity
    assert [s.id for s in outcome.clashes] == [first["id"]] and outcome.message
    assert outcome.may_override  # what the caller said this user may do


async def test_a_clashing_series_is_a_clash_over_its_occurrences(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    later = await created(boss, start="2031-03-10T10:00:00Z", end="2031-03-10T11:00:00Z")
    outcome = await refusal(boss, "session.create", session_data(client_id=2, recurrence=WEEKLY_TWICE))
    assert isinstance(outcome, Clash) and [s.id for s in outcome.clashes] == [later["id"]]
    assert "1 of 2 occurrences clash" in outcome.message and not outcome.may_override


async def test_a_booking_outside_working_hours_names_the_hours(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await boss.ok("availability.set", {"trainer_id": 2, "hours": [
        {"weekday": 0, "start": "09:00", "end": "10:00"}]})
    outcome = await refusal(boss, "session.create", session_data(trainer_id=2, start="2031-03-05T15:00:00Z",
                                                                 end="2031-03-05T16:00:00Z"))
    assert isinstance(outcome, OutsideHours)
    assert outcome.trainer_id == 2 and outcome.hours == ((0, "09:00", "10:00"),) and outcome.timezone
    series = await refusal(boss, "session.create", session_data(
        trainer_id=2, start="2031-03-05T15:00:00Z", end="2031-03-05T16:00:00Z", recurrence=WEEKLY_TWICE))
    assert isinstance(series, OutsideHours) and "2 of 2 occurrences" in series.message


async def test_locks_held_fenced_and_lost_name_the_holder(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    ana = await clients.signed_in("ana")
    sid = (await created(boss))["id"]
    old = (await ana.ok("lock.acquire", {"session_id": sid}))["lock"]["token"]

    held = await refusal(boss, "lock.acquire", {"session_id": sid})
    assert isinstance(held, Locked) and held.why == "held" and held.holder == "Ana"
    assert held.lock is not None and held.lock.session_id == sid

    await boss.ok("lock.break", {"session_id": sid})
    await boss.ok("lock.acquire", {"session_id": sid})
    fenced = await refusal(ana, "session.update",
                           {"id": sid, "version": 1, "lock_token": old, "changes": {"notes": "late"}})
    assert isinstance(fenced, Locked) and fenced.why == "fenced" and fenced.holder == "Boss"

    lost = await refusal(ana, "lock.renew", {"session_id": sid, "token": old})
    assert isinstance(lost, Locked) and lost.why == "lost" and lost.holder == "Boss"
    outsider = await refusal(ana, "session.update", {"id": sid, "version": 1, "changes": {"notes": "x"}})
    assert isinstance(outsider, Locked) and outsider.why == "held" and outsider.holder == "Boss"


async def test_too_many_requests_are_rate_limited_with_the_wait(tmp_path: Path) -> None:
    limited = start_server(tmp_path / "limited.sqlite3", limits=Limits(rate=1, burst=2))
    pool = Clients(limited)
    try:
        vic = await pool.open()
        await vic.login("vic")  # the first token
        for i in range(3):
            await vic.send_raw(json.dumps({"type": "heartbeat", "id": f"h{i}", "data": {}}))
        replies = [await vic.reply_to(f"h{i}") for i in range(3)]
        refused = next(r for r in replies if not r["ok"])
        outcome = outcome_of(ProtocolError.from_wire(refused["error"]))
        assert isinstance(outcome, RateLimited) and 0 < outcome.retry_after_s <= 1
    finally:
        await pool.close()
        limited.stop()
