"""Against a real server: an admin cancelling late may give the client's credit back
(the confirmation notice for the one who cancels is tested with the server's triggers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Status

from .support import collab_fields


async def test_an_admin_gives_a_late_cancellations_credit_back(sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    soon = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    booked = await boss.create_session(collab_fields(soon, location="Rooftop"), allow_overlap=True)
    done = await boss.update_session(booked.id, booked.version, {"status": "completed"})
    reply = await boss.link.request("directory.query", {})
    before = next(c["credits"] for c in reply["clients"] if c["id"] == 1)
    cancelled = await boss.calendar.cancel_giving_credit_back(done.id, done.version, "Studio closed")
    assert cancelled.status is Status.CANCELLED and boss.store.get(done.id) == cancelled
    reply = await boss.link.request("directory.query", {})
    assert next(c["credits"] for c in reply["clients"] if c["id"] == 1) == before + 1
