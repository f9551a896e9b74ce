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
