"""Odd values get ``invalid`` naming the field, never ``internal``."""

from __future__ import annotations

import pytest

from tests.server.support import session_data

from .support import Peers


async def test_studio_settings_set_with_null_values_changes_nothing_and_is_invalid(peers: Peers) -> None:
    boss = await peers.signed_in("boss")
    before = (await boss.ok("studio.settings.get"))["settings"]
    refused = await boss.error("studio.settings.set", {"timezone": None, "conflict_strategy": None,
                                                       "cancellation_window_h": None})
    assert refused["code"] == "invalid"
    changed = await boss.ok("studio.settings.set", {"timezone": None, "cancellation_window_h": 12})
    assert changed["settings"]["timezone"] == before["timezone"]
    assert changed["settings"]["cancellation_window_h"] == "12"


@pytest.mark.parametrize(("start", "end"), [
    ("0001-01-01T10:00:00Z", "0001-01-01T11:00:00Z"),
    ("0999-06-01T10:00:00Z", "0999-06-01T11:00:00Z"),
    ("1969-12-31T10:00:00Z", "1969-12-31T11:00:00Z"),
    ("2200-01-01T10:00:00Z", "2200-01-01T11:00:00Z"),
    ("9999-12-31T22:00:00Z", "9999-12-31T23:59:59Z"),
])
async def test_session_times_outside_1970_to_2199_are_invalid(peers: Peers, start: str, end: str) -> None:
    boss = await peers.signed_in("boss")
    refused = await boss.error("session.create", session_data(start=start, end=end))
    assert refused["code"] == "invalid" and refused["data"]["field"] == "start", refused
    refused = await boss.error("session.create", session_data(end=end))
    assert refused["code"] == "invalid" and refused["data"]["field"] == "end", refused


async def test_a_year_9999_series_and_update_are_invalid(peers: Peers) -> None:
    boss = await peers.signed_in("boss")
    series = await boss.error("session.create", session_data(
        start="2199-12-31T22:00:00Z", end="2199-12-31T23:00:00Z", recurrence={"rrule": "FREQ=DAILY;COUNT=3"}))
    assert series["code"] in ("invalid", "conflict"), series
    created = (await boss.ok("session.create", session_data()))["session"]
    moved = await boss.error("session.update", {"id": created["id"], "version": created["version"],
                                                "changes": {"end": "9999-12-31T23:59:59Z"}})
    assert moved["code"] == "invalid" and moved["data"]["field"] in ("end", "changes.end"), moved


@pytest.mark.parametrize(("rtype", "data", "field"), [
    ("studio.settings.set", {"timezone": "Europe/" + "x" * 5000}, "timezone"),
    ("studio.settings.set", {"timezone": "../../../../etc/passwd"}, "timezone"),
    ("session.create", session_data(recurrence={"rrule": "FREQ=DAILY;COUNT=2", "tz": "Europe/" + "x" * 5000}),
     "recurrence.tz"),
    ("session.create", session_data(recurrence={"rrule": "FREQ=DAILY;COUNT=2", "tz": "x" * 300}),
     "recurrence.tz"),
    ("studio.settings.set", {"conflict_strategy": {"not": "hashable"}}, "conflict_strategy"),
    ("session.create", session_data(status=["scheduled"]), "status"),
    ("chat.send", {"room": "studio", "text": "hi", "kind": ["chat"]}, "kind"),
    ("presence.update", {"activity": {"a": 1}}, "activity"),
    ("user.set_role", {"user_id": 1, "role": ["admin"]}, "role"),
])
async def test_over_long_zones_and_unhashable_values_are_invalid(
        peers: Peers, rtype: str, data: dict[str, object], field: str) -> None:
    boss = await peers.signed_in("boss")
    refused = await boss.error(rtype, data)
    assert refused["code"] == "invalid", refused
    assert field.split(".")[-1] in str(refused.get("data", {})) + refused["message"], refused
