"""The client-email outbox of a real server, for the email tests: ``book_emailed_sessions`` books
what makes emails (a confirmation and a reminder for Rita, who agreed to reminders; nothing for
Quiet, who did not), and ``flush_outbox`` sends what is due on the server's own loop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.embedded import EmbeddedServer

from .server import Clients, on_server


async def flush_outbox(server: EmbeddedServer) -> int:
    """Send the client emails due now from ``server``'s outbox; how many were sent."""
    return await on_server(server, server.server.clients.outbox.flush)


async def book_emailed_sessions(pool: Clients) -> tuple[dict[str, Any], dict[str, Any]]:
    """As boss: the studio in Lisbon, clients Rita (reminders agreed) and Quiet, and a session for
    each five hours from now; Rita and her session."""
    boss = await pool.signed_in("boss")
    await boss.ok("studio.setup.set", {"name": "Swan Studios Lisboa", "timezone": "Europe/Lisbon"})
    rita = (
        await boss.ok(
            "client.create", {"name": "Rita", "email": "rita@example.com", "consent": {"reminders": True}}
        )
    )["client"]
    quiet = (await boss.ok("client.create", {"name": "Quiet", "email": "quiet@example.com"}))["client"]
    soon = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(hours=5)
    span = {
        "start": format_ts(soon),
        "end": format_ts(soon + timedelta(hours=1)),
        "trainer_id": 1,
        "location": "Rooftop",
        "allow_overlap": True,
    }
    session = (await boss.ok("session.create", {**span, "client_id": rita["id"]}))["session"]
    await boss.ok("session.create", {**span, "client_id": quiet["id"], "trainer_id": 2})
    return rita, session
