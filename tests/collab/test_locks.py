"""Edit locks: grant, refusal of others' writes, request, admin break, release on close, lease, fencing."""

from __future__ import annotations

import asyncio

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import Clients, session_data

from .conftest import configure, user_ids


async def _session(clients: Clients) -> dict:
    admin = await clients.signed_in("boss")
    return dict((await admin.ok("session.create", session_data()))["session"])


async def test_the_holder_writes_and_everyone_else_is_refused_naming_the_holder(
        server: EmbeddedServer, clients: Clients) -> None:
    configure(server, lease_s=60.0)
    session = await _session(clients)
    ana, boss = await clients.signed_in("ana"), await clients.signed_in("boss")
    lock = (await ana.ok("lock.acquire", {"session_id": session["id"]}))["lock"]
    assert lock["holder"] == {"id": user_ids(server)["ana"], "name": "Ana"} and lock["token"] >= 1
    seen = await boss.event_of("lock:acquired")
    assert seen["data"]["lock"]["holder"]["name"] == "Ana"
    refused = await boss.error("session.update",
                               {"id": session["id"], "version": 1, "changes": {"notes": "mine"}})
    assert refused["code"] == "locked" and refused["data"]["lock"]["holder"]["name"] == "Ana"
    assert "Ana is editing" in refused["message"]
    assert (await boss.error("session.delete", {"id": session["id"], "version": 1}))["code"] == "locked"
    assert (await boss.error("lock.acquire", {"session_id": session["id"]}))["code"] == "locked"
    saved = await ana.ok("session.update", {"id": session["id"], "version": 1, "lock_token": lock["token"],
                                            "changes": {"notes": "ana's"}})
    assert saved["session"]["notes"] == "ana's"
    assert [lk["session_id"] for lk in (await boss.ok("lock.query"))["locks"]] == [session["id"]]


async def test_asking_for_a_lock_tells_the_holder_and_an_admin_can_break_it(
        server: EmbeddedServer, clients: Clients) -> None:
    configure(server, lease_s=60.0)
    session = await _session(clients)
    ana, boss = await clients.signed_in("ana"), await clients.signed_in("boss")
    await ana.ok("lock.acquire", {"session_id": session["id"]})
    await boss.ok("lock.request", {"session_id": session["id"], "message": "need it for a reschedule"})
    asked = await ana.event_of("lock:requested")
    assert asked["data"]["by"]["name"] == "Boss" and asked["data"]["message"] == "need it for a reschedule"
    vic = await clients.signed_in("vic")
    assert (await vic.error("lock.break", {"session_id": session["id"]}))["code"] == "forbidden"
    await boss.ok("lock.break", {"session_id": session["id"]})
    broken = await ana.event_of("lock:released")
    assert broken["data"]["reason"] == "broken"
    await boss.ok("session.update", {"id": session["id"], "version": 1, "changes": {"notes": "admin's"}})


async def test_closing_the_connection_releases_its_locks(server: EmbeddedServer, clients: Clients) -> None:
    configure(server, lease_s=60.0)
    session = await _session(clients)
    ana, boss = await clients.signed_in("ana"), await clients.signed_in("boss")
    await ana.ok("lock.acquire", {"session_id": session["id"]})
    await ana.ws.close()
    released = await boss.event_of("lock:released")
    assert released["data"]["reason"] == "disconnected"
    assert (await boss.ok("lock.acquire", {"session_id": session["id"]}))["lock"]["holder"]["name"] == "Boss"


async def test_renewal_keeps_the_lease_and_an_expired_lease_is_released(
        server: EmbeddedServer, clients: Clients) -> None:
    session = await _session(clients)
    ana, boss = await clients.signed_in("ana"), await clients.signed_in("boss")
    lock = (await ana.ok("lock.acquire", {"session_id": session["id"]}))["lock"]
    for _ in range(6):  # 0.6 s of renewals against a 0.4 s lease
        await asyncio.sleep(0.1)
        await ana.ok("lock.renew", {"session_id": session["id"], "token": lock["token"]})
    assert (await boss.error("lock.acquire", {"session_id": session["id"]}))["code"] == "locked"
    expired = await boss.event_of("lock:released")  # ana stops renewing
    assert expired["data"]["reason"] == "expired"
    renew = await ana.error("lock.renew", {"session_id": session["id"], "token": lock["token"]})
    assert renew["code"] == "locked" and renew["data"]["reason"] == "lost"


async def test_a_holder_whose_lease_lapsed_and_was_taken_over_cannot_write(
        server: EmbeddedServer, clients: Clients) -> None:
    session = await _session(clients)
    ana, boss = await clients.signed_in("ana"), await clients.signed_in("boss")
    stale = (await ana.ok("lock.acquire", {"session_id": session["id"]}))["lock"]
    await boss.event_of("lock:released")  # ana's lease runs out (she stalled)
    fresh = (await boss.ok("lock.acquire", {"session_id": session["id"]}))["lock"]
    assert fresh["token"] > stale["token"]
    await boss.ok("lock.release", {"session_id": session["id"], "token": fresh["token"]})
    # Nobody holds it now, yet ana's late write with her old token is fenced off.
    fenced = await ana.error("session.update", {"id": session["id"], "version": 1,
                                                "lock_token": stale["token"], "changes": {"notes": "late"}})
    assert fenced["code"] == "locked" and fenced["data"]["reason"] == "fenced"
    # A change without a token (e.g. queued offline) lands while nobody holds a lock.
    ok = await ana.ok("session.update", {"id": session["id"], "version": 1, "changes": {"notes": "queued"}})
    assert ok["session"]["notes"] == "queued"


async def test_attack_an_editor_made_a_viewer_or_deactivated_holds_no_session_locked(
        server: EmbeddedServer, clients: Clients) -> None:
    """Ana opened two sessions for editing, then was made a viewer (``user.set_role``; her second
    PC by ``account.update``, then deactivated): she may no longer save them, yet her locks kept
    the whole office out of them until her leases ran out (up to a minute, renewed by an editor
    left open). They are let go at once, with the reason, and Boss edits."""
    configure(server, lease_s=60.0)
    boss = await clients.signed_in("boss")
    first, second = [(await boss.ok("session.create", session_data(start=f"2031-03-03T{h}:00:00Z",
                                                                   end=f"2031-03-03T{h}:30:00Z")))["session"]
                     for h in ("09", "11")]
    ana = await clients.signed_in("ana")
    await ana.ok("lock.acquire", {"session_id": first["id"]})
    ids = user_ids(server)
    await boss.ok("user.set_role", {"user_id": ids["ana"], "role": "viewer"})
    released = await boss.event_of("lock:released")
    assert released["data"]["lock"]["session_id"] == first["id"] and released["data"]["reason"] == "role"
    await boss.ok("lock.acquire", {"session_id": first["id"]})

    await boss.ok("user.set_role", {"user_id": ids["ana"], "role": "trainer"})
    ana_again = await clients.signed_in("ana")
    await ana_again.ok("lock.acquire", {"session_id": second["id"]})
    await boss.ok("account.update", {"user_id": ids["ana"], "changes": {"active": False}})
    while (event := await boss.event_of("lock:released"))["data"]["lock"]["session_id"] != second["id"]:
        pass
    assert event["data"]["reason"] in ("role", "disconnected")  # whichever came first: both let go
    await boss.ok("session.update", {"id": second["id"], "version": second["version"],
                                     "changes": {"notes": "Boss edits at once"}})
