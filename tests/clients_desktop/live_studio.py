"""A studio set up on a real server for the clients tests, through boss's desktop: ``set_up`` (on
UTC, open all week as ``ALL_DAY`` says, one trainer, a room, one-to-one and small-group types, a
30-day cancellation window), ``at_ten`` for a day's 10:00 and ``session_fields`` for a session
in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.timefmt import format_ts

WINDOW_H = 720        # the longest cancellation window the studio allows (30 days)
ALL_DAY = [(d, "06:00", "22:00") for d in range(7)]


async def set_up(boss: StudioClient) -> dict[str, int]:
    """A studio on UTC open all week, one trainer, a room, one-to-one and small-group types,
    and a 30-day cancellation window."""
    await boss.admin.set_studio(name="Swan Live", timezone="UTC", opening_hours=ALL_DAY, setup_complete=True)
    trainer = await boss.admin.create_trainer("Ana Kowalski", color="#1f5f8b")
    await boss.admin.set_hours(trainer.id, ALL_DAY)
    await boss.admin.create_room("Studio A", capacity=6)
    pt = await boss.admin.create_type("Personal training", duration_min=60, credits=1)
    group = await boss.link.request("session_type.create", {"name": "Small group", "duration_min": 60,
                                                            "credits": 1, "capacity": 2})
    await boss.collab.change_settings({"cancellation_window_h": WINDOW_H})
    return {"trainer": trainer.id, "pt": pt.id, "group": int(group["session_type"]["id"])}


def at_ten(days: int) -> datetime:
    """10:00 UTC ``days`` from today."""
    day = datetime.now(UTC).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def session_fields(ids: dict[str, int], start: datetime, kind: str, client_id: int | None = None
                   ) -> dict[str, Any]:
    """An hour's session of ``kind`` (``pt`` or ``group``) in Studio A from ``start``, for
    ``client_id`` if given."""
    fields: dict[str, Any] = {"start": format_ts(start), "end": format_ts(start + timedelta(hours=1)),
                              "trainer_id": ids["trainer"], "session_type_id": ids[kind],
                              "location": "Studio A", "status": "scheduled"}
    if client_id is not None:
        fields["client_id"] = client_id
    return fields
