"""Recurring sessions on the server: a series created at once, capped, DST-correct in the studio's
zone, refused whole when an occurrence clashes, and changed by scope with exceptions kept."""

from __future__ import annotations

from typing import Any

from tests.support.server import Clients, WsClient, session_data

from .conftest import client_credits, set_zone

WEEKLY_4 = {"rrule": "FREQ=WEEKLY;COUNT=4", "tz": "Europe/Lisbon"}


async def _series(client: WsClient, rule: dict[str, Any] = WEEKLY_4,
                  **overrides: Any) -> list[dict[str, Any]]:
    # Monday 17 March 2031, 10:00 in Lisbon (WET, UTC+0); summer time starts on 30 March.
    data = session_data(**{"start": "2031-03-17T10:00:00Z", "end": "2031-03-17T11:00:00Z", **overrides})
    reply = await client.ok("session.create", {**data, "recurrence": rule})
    return list(reply["sessions"])


async def _all(client: WsClient) -> list[dict[str, Any]]:
    reply = await client.ok("schedule.query", {"start": "2031-03-01T00:00:00Z", "end": "2031-06-01T00:00:00Z",
                                                "trainer_id": 1})
    return sorted(reply["sessions"], key=lambda s: s["start"])


async def test_a_weekly_series_keeps_its_local_time_across_the_dst_change(clients: Clients) -> None:
    ana = await clients.signed_in("ana")
    sessions = await _series(ana)
    assert [s["start"] for s in sessions] == [
        "2031-03-17T10:00:00Z", "2031-03-24T10:00:00Z",
        "2031-03-31T09:00:00Z", "2031-04-07T09:00:00Z",  # 10:00 WEST is 09:00 UTC
    ]
    assert len({s["series_id"] for s in sessions}) == 1 and sessions[0]["series_id"] is not None


async def test_the_studio_time_zone_is_used_when_the_rule_names_none(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await set_zone(boss, "America/New_York")  # summer time there starts on 9 March 2031
    sessions = await _series(boss, {"rrule": "FREQ=DAILY;COUNT=2"},
                             start="2031-03-08T15:00:00Z", end="2031-03-08T16:00:00Z")
    assert [s["start"] for s in sessions] == ["2031-03-08T15:00:00Z", "2031-03-09T14:00:00Z"]


async def test_a_series_is_capped_at_52_occurrences(clients: Clients) -> None:
    ana = await clients.signed_in("ana")
    reply = await ana.ok("session.create", {**session_data(start="2031-03-17T10:00:00Z",
                                                           end="2031-03-17T11:00:00Z"),
                                            "recurrence": {"rrule": "FREQ=DAILY", "tz": "UTC"}})
    assert reply["series"]["count"] == 52 and reply["series"]["max_occurrences"] == 52


async def test_a_series_with_one_clashing_occurrence_is_refused_whole_naming_it(clients: Clients) -> None:
    ana = await clients.signed_in("ana")
    await ana.ok("session.create", session_data(start="2031-03-31T09:30:00Z", end="2031-03-31T10:30:00Z",
                                                location="Studio B", client_id=2))
    error = await ana.error("session.create", {**session_data(start="2031-03-17T10:00:00Z",
                                                              end="2031-03-17T11:00:00Z"),
                                               "recurrence": WEEKLY_4})
    assert error["code"] == "conflict" and error["data"]["reason"] == "schedule:conflict"
    assert [o["start"] for o in error["data"]["occurrences"]] == ["2031-03-31T09:00:00Z"]
    assert "1 of 4 occurrences clash" in error["message"] and "Mon 31 Mar 2031 10:00" in error["message"]
    assert len(await _all(ana)) == 1  # nothing of the series was created


async def test_an_admin_may_book_a_clashing_series_anyway(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await boss.ok("session.create", session_data(start="2031-03-31T09:30:00Z", end="2031-03-31T10:30:00Z",
                                                 location="Studio B", client_id=2))
    sessions = await _series(boss, allow_overlap=True)
    assert len(sessions) == 4


async def test_moving_the_whole_series_keeps_wall_time_and_leaves_a_moved_exception(clients: Clients) -> None:
    ana = await clients.signed_in("ana")
    first, second, *_ = await _series(ana)
    moved = (await ana.ok("session.update", {"id": second["id"], "version": second["version"],
                                             "changes": {"start": "2031-03-25T16:00:00Z",
                                                         "end": "2031-03-25T17:00:00Z"}}))["session"]
    reply = await ana.ok("session.update", {"id": first["id"], "version": first["version"], "scope": "series",
                                            "changes": {"start": "2031-03-17T11:00:00Z",
                                                        "end": "2031-03-17T12:00:00Z", "notes": "later"}})
    assert reply["series"]["count"] == 3
    starts = {s["id"]: (s["start"], s["notes"]) for s in await _all(ana)}
    assert starts[moved["id"]] == ("2031-03-25T16:00:00Z", "")  # the exception stays as it was
    assert sorted(v for k, v in starts.items() if k != moved["id"]) == [
        ("2031-03-17T11:00:00Z", "later"), ("2031-03-31T10:00:00Z", "later"),
        ("2031-04-07T10:00:00Z", "later")]


async def test_this_and_following_changes_only_the_later_occurrences(clients: Clients) -> None:
    ana = await clients.signed_in("ana")
    sessions = await _series(ana)
    third = sessions[2]
    await ana.ok("session.update", {"id": third["id"], "version": third["version"], "scope": "following",
                                    "changes": {"location": "Studio B"}})
    assert [s["location"] for s in await _all(ana)] == ["Studio A", "Studio A", "Studio B", "Studio B"]


async def test_a_cancelled_occurrence_stays_cancelled_when_the_series_changes(clients: Clients) -> None:
    ana = await clients.signed_in("ana")
    sessions = await _series(ana)
    one = sessions[1]
    await ana.ok("session.update", {"id": one["id"], "version": one["version"],
                                    "changes": {"status": "cancelled", "cancel_reason": "holiday"}})
    await ana.ok("session.update", {"id": sessions[0]["id"], "version": sessions[0]["version"],
                                    "scope": "series", "changes": {"status": "confirmed"}})
    assert [s["status"] for s in await _all(ana)] == ["confirmed", "cancelled", "confirmed", "confirmed"]


async def test_a_series_change_that_clashes_anywhere_changes_nothing_and_names_the_occurrence(
        clients: Clients) -> None:
    ana = await clients.signed_in("ana")
    sessions = await _series(ana)
    await ana.ok("session.create", session_data(start="2031-04-07T09:00:00Z", end="2031-04-07T10:00:00Z",
                                                location="Studio B", client_id=2, trainer_id=2))
    error = await ana.error("session.update", {"id": sessions[0]["id"], "version": sessions[0]["version"],
                                               "scope": "series", "changes": {"location": "Studio B"}})
    assert error["code"] == "conflict" and "1 of 4 occurrences cannot change" in error["message"]
    assert [o["id"] for o in error["data"]["occurrences"]] == [sessions[3]["id"]]
    assert {s["location"] for s in await _all(ana) if s["series_id"]} == {"Studio A"}


async def test_deleting_this_and_following_keeps_the_earlier_occurrences(clients: Clients) -> None:
    ana = await clients.signed_in("ana")
    sessions = await _series(ana)
    reply = await ana.ok("session.delete", {"id": sessions[1]["id"], "version": sessions[1]["version"],
                                            "scope": "following"})
    assert reply["deleted"] == [s["id"] for s in sessions[1:]]
    assert [s["id"] for s in await _all(ana)] == [sessions[0]["id"]]


async def test_cancelling_or_deleting_the_whole_series_leaves_its_completed_sessions_as_they_were(
        clients: Clients) -> None:
    """The client's first two sessions took place (completed, two credits spent); then they stop
    coming and the office cancels the whole series: those two stay completed and paid for, the rest
    are cancelled and cost nothing. Deleting the series afterwards leaves the completed ones too."""
    boss = await clients.signed_in("boss")
    sessions = await _series(boss, client_id=5)
    before = await client_credits(boss, 5)
    for session in sessions[:2]:
        await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                         "changes": {"status": "completed"}})
    last = sessions[3]
    stop = {"status": "cancelled", "cancel_reason": "moved away"}
    reply = await boss.ok("session.update", {"id": last["id"], "version": last["version"], "scope": "series",
                                             "changes": stop})
    assert reply["series"]["count"] == 2
    assert [s["status"] for s in await _all(boss)] == ["completed", "completed", "cancelled", "cancelled"]
    assert await client_credits(boss, 5) == before - 2
    third = next(s for s in await _all(boss) if s["id"] == sessions[2]["id"])
    whole = {"id": third["id"], "version": third["version"], "scope": "series"}
    deleted = await boss.ok("session.delete", whole)
    assert deleted["deleted"] == [sessions[2]["id"], sessions[3]["id"]]
    assert [s["status"] for s in await _all(boss)] == ["completed", "completed"]
    assert await client_credits(boss, 5) == before - 2
