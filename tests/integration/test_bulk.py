"""Bulk actions on a selection, against the real server: each session is its
own request, order is chosen so a selection can move onto itself, and a
refusal is reported by session while the rest go through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swan_desktop.core.bulk import BulkOp, run_bulk
from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Session, Status

T0 = datetime(2032, 9, 6, 9, tzinfo=UTC)


def hour(i: int, trainer: int = 1, **extra: object) -> dict:
    start = T0 + timedelta(hours=i)
    return {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), "trainer_id": trainer,
            "client_name": f"Client {i}", **extra}


def stored(client: StudioClient, session_id: int) -> Session:
    session = client.store.get(session_id)
    assert session is not None, f"session {session_id} is not in the store"
    return session


async def three_in_a_row(client: StudioClient) -> list[int]:
    made = [await client.create_session(hour(i)) for i in range(3)]
    await client.load_range(T0 - timedelta(days=1), T0 + timedelta(days=30))
    return [s.id for s in made]


async def test_reschedule_a_back_to_back_block_by_an_hour(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    ids = await three_in_a_row(boss)
    result = await run_bulk(BulkOp("reschedule", offset=timedelta(hours=1)), ids, boss.store, boss)
    assert result.failed == [] and sorted(result.done) == sorted(ids)
    assert [stored(boss, i).start for i in ids] == [T0 + timedelta(hours=h) for h in (1, 2, 3)]


async def test_confirm_duplicate_and_delete(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    ids = await three_in_a_row(boss)
    confirmed = await run_bulk(BulkOp("confirm"), ids, boss.store, boss)
    assert all(stored(boss, i).status is Status.CONFIRMED for i in ids) and len(confirmed.done) == 3
    copies = await run_bulk(BulkOp("duplicate", offset=timedelta(days=7)), ids, boss.store, boss)
    week_later = boss.store.between(T0 + timedelta(days=7), T0 + timedelta(days=7, hours=3))
    assert len(copies.done) == 3 and sorted(s.client_name for s in week_later) == [
        "Client 0", "Client 1", "Client 2"]
    assert all(s.status is Status.SCHEDULED for s in week_later)
    gone = await run_bulk(BulkOp("delete"), ids, boss.store, boss)
    assert len(gone.done) == 3 and all(boss.store.get(i) is None for i in ids)


async def test_a_refusal_is_reported_by_session_and_the_rest_go_through(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    ids = await three_in_a_row(boss)
    busy = await boss.create_session(hour(1, trainer=2, client_name="Already booked"))
    result = await run_bulk(BulkOp("reassign", trainer_id=2), ids, boss.store, boss)
    assert result.done == [ids[0], ids[2]]
    ((failed_id, why),) = result.failed
    assert failed_id == ids[1] and "Already booked" in why
    assert "1 not" in result.summary() and f"#{ids[1]}" in result.summary()
    assert boss.store.get(busy.id) is not None


async def test_cancel_in_bulk_records_the_reason(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    ids = await three_in_a_row(boss)
    await run_bulk(BulkOp("cancel", reason="Studio closed for repairs"), ids, boss.store, boss)
    assert {(stored(boss, i).status, stored(boss, i).cancel_reason) for i in ids} == {
        (Status.CANCELLED, "Studio closed for repairs")}
