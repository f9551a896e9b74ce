"""An edit lock is its holder's: others cannot release it nor read its fencing token."""

from __future__ import annotations

from typing import Any

from tests.server.support import WsClient, session_data

from .support import Peers


async def _event(client: WsClient, kind: str) -> dict[str, Any]:
    while True:
        event = await client.next_event()
        if event["kind"] == kind:
            return event


async def test_only_the_holder_releases_a_lock(peers: Peers) -> None:
    ana, boss = await peers.signed_in("ana"), await peers.signed_in("boss")
    sid = (await boss.ok("session.create", session_data()))["session"]["id"]
    lock = (await ana.ok("lock.acquire", {"session_id": sid}))["lock"]
    refused = await boss.error("lock.release", {"session_id": sid, "token": lock["token"]})
    assert refused["code"] == "forbidden" and "lock.break" in refused["message"]
    assert [lk["holder"]["name"] for lk in (await boss.ok("lock.query"))["locks"]] == ["Ana"]
    assert await ana.ok("lock.release", {"session_id": sid, "token": lock["token"]}) == {"released": True}


async def test_lock_tokens_are_not_readable_by_others(peers: Peers) -> None:
    ana, boss = await peers.signed_in("ana"), await peers.signed_in("boss")
    sid = (await boss.ok("session.create", session_data()))["session"]["id"]
    mine = (await ana.ok("lock.acquire", {"session_id": sid}))["lock"]
    assert mine["token"] >= 1  # the holder gets its token in its own reply
    assert (await ana.ok("lock.renew", {"session_id": sid, "token": mine["token"]}))["lock"]["token"] == \
        mine["token"]
    seen = (await _event(boss, "lock:acquired"))["data"]["lock"]
    assert "token" not in seen and seen["holder"]["name"] == "Ana"
    assert all("token" not in lk for lk in (await boss.ok("lock.query"))["locks"])
    held = await boss.error("lock.acquire", {"session_id": sid})
    assert held["code"] == "locked" and "token" not in held["data"]["lock"]
    asked = await boss.ok("lock.request", {"session_id": sid, "message": "may I?"})
    assert "token" not in asked["lock"]
    await boss.ok("lock.break", {"session_id": sid})
    released = (await _event(boss, "lock:released"))["data"]["lock"]
    assert "token" not in released


async def test_attack_one_account_cannot_lock_every_session_in_the_studio(peers: Peers) -> None:
    """A lock keeps everyone else from editing a session. One account taking them in a loop could
    lock the whole schedule (and grow every ``lock.query``); it holds at most ``MAX_HELD`` at once,
    across all its PCs, and the rest of the studio keeps editing."""
    from swan_desktop.server.collab.locks import MAX_HELD

    ana, ana_elsewhere, boss = (await peers.signed_in("ana"), await peers.signed_in("ana"),
                                await peers.signed_in("boss"))
    hours = [f"2031-03-{3 + n // 8:02d}T{8 + n % 8:02d}" for n in range(MAX_HELD + 2)]
    ids = [(await boss.ok("session.create", session_data(start=f"{hour}:00:00Z", end=f"{hour}:30:00Z")))[
        "session"]["id"] for hour in hours]
    for n, sid in enumerate(ids[:MAX_HELD]):
        await (ana if n % 2 else ana_elsewhere).ok("lock.acquire", {"session_id": sid})
    refused = await ana.error("lock.acquire", {"session_id": ids[MAX_HELD]})
    assert refused["code"] == "conflict"
    assert refused["data"] == {"reason": "too-many-locks", "limit": MAX_HELD}
    assert f"already editing {MAX_HELD} sessions" in refused["message"]
    again = (await ana_elsewhere.ok("lock.acquire", {"session_id": ids[0]}))["lock"]  # one of hers: renewed
    assert again["holder"]["name"] == "Ana"
    await boss.ok("lock.acquire", {"session_id": ids[MAX_HELD + 1]})
    assert len((await boss.ok("lock.query"))["locks"]) == MAX_HELD + 1
    await ana_elsewhere.ok("lock.release", {"session_id": ids[0], "token": again["token"]})
    await ana.ok("lock.acquire", {"session_id": ids[MAX_HELD]})
