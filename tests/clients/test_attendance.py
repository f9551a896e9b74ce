"""Each client of a group session checks in on their own place (``session.checkin`` with
``client_id``): their attendance, their history and the reports count per client, and each is
charged once when the session is completed."""

from __future__ import annotations

from typing import Any

from tests.support.server import Clients, WsClient

from .conftest import group_type, new_client


async def _past_pair(boss: WsClient) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A session for two, held last year, with Rita (its own client) and Ines booked."""
    await boss.ok("studio.settings.set", {"timezone": "UTC"})
    kind = await group_type(boss, 2)
    rita, ines = await new_client(boss, "Rita"), await new_client(boss, "Ines")
    for person in (rita, ines):
        await boss.ok("credits.adjust", {"client_id": person["id"], "delta": 5, "reason": "start"})
    session = (await boss.ok("session.create", {
        "start": "2025-01-06T10:00:00Z", "end": "2025-01-06T11:00:00Z", "trainer_id": 1,
        "client_id": rita["id"], "session_type_id": kind, "allow_overlap": True}))["session"]
    await boss.ok("booking.add", {"session_id": session["id"], "client_id": ines["id"]})
    return session, rita, ines


async def _ledger(ws: WsClient, client_id: int) -> list[dict[str, Any]]:
    return list((await ws.ok("credits.ledger", {"client_id": client_id}))["entries"])


async def test_one_client_checked_in_and_one_no_show_each_count_for_themselves(clients: Clients) -> None:
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    session, rita, ines = await _past_pair(boss)
    boss.events.clear()
    came = await ana.ok("session.checkin", {"id": session["id"], "attendance": "present",
                                            "client_id": rita["id"]})
    assert came["session"]["attendance"] == "present"  # the session's own client, as before
    missed = await ana.ok("session.checkin", {"id": session["id"], "attendance": "no_show",
                                              "client_id": ines["id"]})
    places = {c["client_id"]: c["attendance"] for c in missed["session"]["clients"]}
    assert places == {rita["id"]: "present", ines["id"]: "no_show"}
    assert missed["session"]["version"] == came["session"]["version"] + 1
    event = await boss.event_of("session:updated")
    assert event["data"]["changes"] == {"attendance": "present",
                                        "checked_in_at": came["session"]["checked_in_at"]}
    event = await boss.event_of("session:updated")
    assert {c["client_id"]: c["attendance"] for c in event["data"]["changes"]["clients"]} == places
    assert {c["client_id"]: c["attendance"] for c in event["data"]["previous"]["clients"]} == {
        rita["id"]: "present", ines["id"]: None}

    # completing spends each client's credit once, through the ledger, whoever came
    done = (await boss.ok("session.update", {"id": session["id"], "version": missed["session"]["version"],
                                             "changes": {"status": "completed"}}))["session"]
    await boss.ok("session.checkin", {"id": session["id"], "attendance": "late", "client_id": ines["id"]})
    await boss.ok("session.checkin", {"id": session["id"], "attendance": "no_show", "client_id": ines["id"]})
    await boss.ok("session.update", {"id": session["id"], "version": done["version"] + 2,
                                     "changes": {"notes": "checked twice"}})
    for person in (rita, ines):
        spent = [e for e in await _ledger(boss, person["id"]) if e["session_id"] == session["id"]]
        assert [(e["reason"], e["delta"]) for e in spent] == [("completion", -1)]
        assert (await boss.ok("credits.ledger", {"client_id": person["id"]}))["balance"] == 4

    # each client's history
    assert (await boss.ok("client.get", {"id": rita["id"]}))["stats"]["attended"] == 1
    history = (await boss.ok("client.get", {"id": ines["id"]}))["stats"]
    assert (history["attended"], history["no_shows"]) == (0, 1)

    # the report: two places, one attended, one no-show
    report = await boss.ok("report.run", {"kind": "attendance", "start": "2025-01-06", "end": "2025-01-12",
                                          "by": "week"})
    assert report["rows"] == [{"period": "2025-W02", "trainer_id": 1, "booked": 2, "attended": 1,
                               "no_shows": 1, "attendance_rate": 0.5, "no_show_rate": 0.5}]


async def test_checking_in_a_client_who_is_not_booked_is_refused(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    session, _, _ = await _past_pair(boss)
    other = await new_client(boss, "Duarte")
    error = await boss.error("session.checkin", {"id": session["id"], "attendance": "present",
                                                 "client_id": other["id"]})
    assert error["code"] == "invalid" and error["data"]["field"] == "client_id"
    one = (await boss.ok("session.create", {"start": "2025-01-08T10:00:00Z", "end": "2025-01-08T11:00:00Z",
                                            "trainer_id": 1, "client_id": other["id"],
                                            "allow_overlap": True}))["session"]
    error = await boss.error("session.checkin", {"id": one["id"], "attendance": "present",
                                                 "client_id": session["client_id"]})
    assert error["code"] == "invalid"
    assert (await boss.ok("schedule.query", {"start": "2025-01-08T00:00:00Z", "end": "2025-01-09T00:00:00Z"})
            )["sessions"][0]["attendance"] is None


async def test_a_viewer_may_not_check_a_client_in(clients: Clients) -> None:
    boss, vic = await clients.signed_in("boss"), await clients.signed_in("vic")
    session, rita, _ = await _past_pair(boss)
    error = await vic.error("session.checkin", {"id": session["id"], "attendance": "present",
                                                "client_id": rita["id"]})
    assert error["code"] == "forbidden"
