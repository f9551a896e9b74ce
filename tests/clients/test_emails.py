"""Emails to clients through a real SMTP server (aiosmtpd): confirmation with an .ics, reminder,
cancellation; each once, also when the server restarts between queueing and sending."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.notifications import SmtpConfig
from tests.support.poll import until
from tests.support.server import Clients, free_port, on_server, start_server


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtpd() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _serve(db: Path, mail: Controller | None) -> EmbeddedServer:
    server = start_server(db)
    if mail is not None:
        server.server.notifications.smtp_config = SmtpConfig(
            "127.0.0.1", mail.port, "none", sender="desk@studio.test", retry_delays=()
        )
    return server


async def _flush(server: EmbeddedServer) -> int:
    return await on_server(server, server.server.clients.outbox.flush)


async def _book(pool: Clients) -> tuple[dict[str, Any], dict[str, Any]]:
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


async def test_each_email_is_sent_once_across_restarts(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtpd
    db = tmp_path / "studio.sqlite3"
    first = _serve(db, None)  # no mail server configured yet: the emails wait in the outbox
    try:
        pool = Clients(first)
        rita, session = await _book(pool)
        boss = await pool.signed_in("boss")
        waiting = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
        assert sorted((m["kind"], m["status"]) for m in waiting) == [
            ("confirmation", "pending"),
            ("reminder", "pending"),
        ]
        await pool.close()
    finally:
        first.stop()
    second = _serve(db, controller)
    try:
        await _flush(second)
        await until(lambda: len(inbox.messages) == 2, what="the two emails queued before the restart")
    finally:
        second.stop()
    assert sorted(m["Subject"] for _, m in inbox.messages) == [
        "Swan Studios Lisboa: Booking confirmed",
        "Swan Studios Lisboa: Reminder",
    ]
    assert all(rcpt == ["rita@example.com"] for rcpt, _ in inbox.messages)  # not the client without consent
    confirmation = next(m for _, m in inbox.messages if "confirmed" in m["Subject"])
    assert confirmation["Date"] and confirmation["Message-ID"]
    body = next(p for p in confirmation.walk() if p.get_content_type() == "text/plain").get_payload(
        decode=True
    )
    assert b"Europe/Lisbon" in body and b"Swan Studios Lisboa" in body
    [ics] = [p for p in confirmation.walk() if p.get_content_type() == "text/calendar"]
    assert ics.get_filename() == "booking.ics" and b"BEGIN:VEVENT" in ics.get_payload(decode=True)
    third = _serve(db, controller)
    try:
        assert await _flush(third) == 0  # nothing twice
        pool = Clients(third)
        boss = await pool.signed_in("boss")
        await boss.ok(
            "session.update",
            {
                "id": session["id"],
                "version": session["version"],
                "changes": {"status": "cancelled", "cancel_reason": "ill"},
            },
        )
        await _flush(third)  # (a change also wakes the outbox: either pass sends it)
        await until(lambda: len(inbox.messages) == 3, what="the cancellation notice")
        sent = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
        assert sorted((m["kind"], m["status"]) for m in sent) == [
            ("cancellation", "sent"),
            ("confirmation", "sent"),
            ("reminder", "sent"),
        ]
        await pool.close()
    finally:
        third.stop()
    assert [m["Subject"] for _, m in inbox.messages].count("Swan Studios Lisboa: Booking cancelled") == 1
    assert len(inbox.messages) == 3


async def test_reminder_settings_are_admin_only(tmp_path: Path) -> None:
    server = start_server(tmp_path / "studio.sqlite3")
    try:
        pool = Clients(server)
        ana, boss = await pool.signed_in("ana"), await pool.signed_in("boss")
        assert (await ana.error("reminder.settings", {"hours_before": 2}))["code"] == "forbidden"
        reply = await boss.ok("reminder.settings", {"hours_before": 2, "confirmations": False})
        assert reply["settings"] == {"hours_before": 2, "confirmations": False, "cancellations": True}
        await pool.close()
    finally:
        server.stop()
