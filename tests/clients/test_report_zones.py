"""Reports cut their periods and their range in the studio's time zone, computed by the database
on SQLite and PostgreSQL alike: a session just after local midnight belongs to the local day, week
and month, also on either side of a change to or from summer time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.support.server import Clients, WsClient

from .conftest import new_client


async def _studio_in(boss: WsClient, zone: str, starts: list[str]) -> None:
    """A studio in ``zone`` with a half-hour session for Rita at each UTC time of ``starts``."""
    await boss.ok("studio.settings.set", {"timezone": zone})
    rita = await new_client(boss, "Rita")
    for start in starts:
        end = datetime.fromisoformat(start) + timedelta(minutes=30)
        await boss.ok("session.create", {
            "start": start, "end": end.strftime("%Y-%m-%dT%H:%M:%SZ"), "trainer_id": 1,
            "client_id": rita["id"], "allow_overlap": True})


async def _booked(boss: WsClient, start: str, end: str, by: str) -> dict[str, Any]:
    report = await boss.ok("report.run", {"kind": "attendance", "start": start, "end": end, "by": by,
                                          "trainer_id": 1})
    return {r["period"]: r["booked"] for r in report["rows"]}


async def test_auckland_months_and_days_begin_at_local_midnight(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await _studio_in(boss, "Pacific/Auckland", [
        "2025-01-31T10:30:00Z",  # Fri 31 Jan 23:30 NZDT (UTC+13)
        "2025-01-31T11:30:00Z",  # Sat 1 Feb 00:30 NZDT — January in UTC
        "2025-02-01T11:30:00Z",  # Sun 2 Feb 00:30 NZDT
        "2025-04-30T11:30:00Z",  # Wed 30 Apr 23:30 NZST (UTC+12 since 6 April) — May at UTC+13
        "2025-04-30T12:30:00Z",  # Thu 1 May 00:30 NZST
    ])
    assert await _booked(boss, "2025-01-01", "2025-05-31", "month") == {
        "2025-01": 1, "2025-02": 2, "2025-04": 1, "2025-05": 1}
    # one local day: from its midnight to the next, in the studio's zone
    assert await _booked(boss, "2025-02-01", "2025-02-01", "month") == {"2025-02": 1}
    assert await _booked(boss, "2025-04-30", "2025-04-30", "week") == {"2025-W18": 1}
    assert await _booked(boss, "2025-05-01", "2025-05-01", "week") == {"2025-W18": 1}
    assert await _booked(boss, "2025-05-02", "2025-05-04", "week") == {}


async def test_los_angeles_weeks_follow_summer_time_in_spring_and_autumn(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await _studio_in(boss, "America/Los_Angeles", [
        "2025-03-03T07:30:00Z",  # Sun 2 Mar 23:30 PST (UTC-8): week 9 (week 10 in UTC)
        "2025-03-10T06:30:00Z",  # Sun 9 Mar 23:30 PDT (UTC-7 since that morning): week 10
        "2025-03-10T07:30:00Z",  # Mon 10 Mar 00:30 PDT: week 11 (still Sunday at UTC-8)
        "2025-11-03T07:30:00Z",  # Sun 2 Nov 23:30 PST (UTC-8 since that morning): week 44
        "2025-11-03T08:30:00Z",  # Mon 3 Nov 00:30 PST: week 45
    ])
    assert await _booked(boss, "2025-03-01", "2025-03-16", "week") == {
        "2025-W09": 1, "2025-W10": 1, "2025-W11": 1}
    assert await _booked(boss, "2025-10-27", "2025-11-09", "week") == {"2025-W44": 1, "2025-W45": 1}
    assert await _booked(boss, "2025-03-09", "2025-03-09", "week") == {"2025-W10": 1}
    assert await _booked(boss, "2025-11-02", "2025-11-02", "month") == {"2025-11": 1}
    assert await _booked(boss, "2025-03-01", "2025-03-31", "month") == {"2025-03": 3}
    assert await _booked(boss, "2025-02-01", "2025-02-28", "month") == {}
