"""Each conflict strategy with concurrent edits from two clients; nothing overwritten goes unseen."""

from __future__ import annotations

from typing import Any

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import Clients, WsClient, session_data


async def _race(clients: Clients, strategy: str | None, theirs: dict[str, Any], mine: dict[str, Any]
                ) -> tuple[WsClient, WsClient, dict[str, Any], dict[str, Any]]:
    """boss sets the strategy; ana and boss both start from version 1; boss saves first."""
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    if strategy is not None:
        await boss.ok("studio.settings.set", {"conflict_strategy": strategy})
    session = (await boss.ok("session.create", session_data(notes="base")))["session"]
    await boss.ok("session.update", {"id": session["id"], "version": 1, "changes": theirs})
    reply = await ana.request("session.update", {"id": session["id"], "version": 1, "changes": mine})
    return boss, ana, session, reply


async def _activity(client: WsClient, session_id: int) -> list[dict[str, Any]]:
    entries = (await client.ok("activity.query", {}))["entries"]
    return [e for e in entries if e["session_id"] == session_id]


async def test_auto_merge_is_the_default_and_merges_different_fields(clients: Clients) -> None:
    boss, _ana, _session, reply = await _race(clients, None, {"location": "Studio B"},
                                              {"notes": "bring bands"})
    assert reply["ok"] is True
    merged = reply["data"]["session"]
    assert (merged["location"], merged["notes"], merged["version"]) == ("Studio B", "bring bands", 3)
    assert (await boss.ok("studio.settings.get"))["settings"]["conflict_strategy"] == "auto-merge"


async def test_auto_merge_refuses_the_same_field_changed_by_both(clients: Clients) -> None:
    _, _ana, _session, reply = await _race(clients, "auto-merge", {"notes": "boss"}, {"notes": "ana"})
    assert reply["ok"] is False
    error = reply["error"]
    assert error["code"] == "conflict" and error["data"]["merge"] == "clash"
    assert error["data"]["fields"] == ["notes"]
    assert (error["data"]["base"]["notes"], error["data"]["current"]["notes"], error["data"]["mine"]) == (
        "base", "boss", {"notes": "ana"})


async def test_manual_review_hands_base_theirs_and_mine_back_for_a_choice(clients: Clients) -> None:
    _, ana, session, reply = await _race(clients, "manual-review", {"location": "Studio B"}, {"notes": "ana"})
    error = reply["error"]
    assert error["data"]["merge"] == "review" and set(error["data"]["fields"]) == {"location", "notes"}
    current = error["data"]["current"]
    chosen = await ana.ok("session.update", {"id": session["id"], "version": current["version"],
                                             "changes": {"notes": "ana"}})
    assert (chosen["session"]["location"], chosen["session"]["notes"]) == ("Studio B", "ana")


async def test_last_write_wins_and_the_overwritten_value_is_in_the_feed(clients: Clients) -> None:
    boss, _ana, session, reply = await _race(clients, "last-write-wins", {"notes": "boss"}, {"notes": "ana"})
    assert reply["data"]["session"]["notes"] == "ana"
    assert reply["data"]["overwritten"] == {"notes": "boss"}
    feed = await _activity(boss, session["id"])
    lost = [e for e in feed if e["kind"] == "overwritten"]
    assert lost and lost[0]["changes"] == [{"field": "notes", "old": "boss", "new": "ana"}]
    assert lost[0]["actor"]["name"] == "Ana"
    update = await boss.event_of("session:updated")
    while update["actor"]["name"] != "Ana":
        update = await boss.event_of("session:updated")
    assert [e["kind"] for e in update["data"]["activity"]] == ["updated", "overwritten"]
    conflict = update["data"]["chat"][1]
    assert conflict["kind"] == "conflict" and "replaced a newer value (notes)" in conflict["text"]


async def test_first_write_wins_keeps_the_first_and_records_what_was_dropped(clients: Clients) -> None:
    boss, _ana, session, reply = await _race(clients, "first-write-wins", {"notes": "boss"},
                                            {"notes": "ana", "location": "Studio B"})
    stored = reply["data"]["session"]
    assert (stored["notes"], stored["location"]) == ("boss", "Studio B")
    assert reply["data"]["discarded"] == {"notes": "ana"}
    dropped = [e for e in await _activity(boss, session["id"]) if e["kind"] == "discarded"]
    assert dropped[0]["changes"] == [{"field": "notes", "old": "boss", "new": "ana"}]


@pytest.mark.parametrize("value", ["newest-wins", 3])
async def test_only_known_strategies_and_only_admins_may_set_one(
        clients: Clients, value: object) -> None:
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    assert (await boss.error("studio.settings.set", {"conflict_strategy": value}))["code"] == "invalid"
    refused = await ana.error("studio.settings.set", {"conflict_strategy": "last-write-wins"})
    assert refused["code"] == "forbidden"


async def test_every_change_is_in_the_feed_with_old_and_new_values(server: EmbeddedServer,
                                                                  clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    session = (await boss.ok("session.create", session_data()))["session"]
    await boss.ok("session.update", {"id": session["id"], "version": 1,
                                     "changes": {"start": "2031-03-03T11:00:00Z",
                                                 "end": "2031-03-03T12:00:00Z"}})
    await boss.ok("session.delete", {"id": session["id"], "version": 2})
    feed = await _activity(boss, session["id"])
    assert [e["kind"] for e in feed] == ["deleted", "updated", "created"]
    moved = feed[1]
    moved_start = {"field": "start", "old": "2031-03-03T10:00:00Z", "new": "2031-03-03T11:00:00Z"}
    assert moved_start in moved["changes"]
    assert moved["summary"].startswith("Boss moved ")
    by_kind = (await boss.ok("activity.query", {"kind": "updated", "trainer_id": 1}))["entries"]
    assert [e["id"] for e in by_kind if e["session_id"] == session["id"]] == [moved["id"]]
