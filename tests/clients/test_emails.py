"""Emails to clients through a real SMTP server (aiosmtpd): confirmation with an .ics, reminder,
cancellation; each once, also when the server restarts between queueing and sending."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.notifications import SmtpConfig
from tests.support.mail import Inbox
from tests.support.outbox import book_emailed_sessions, flush_outbox
from tests.support.poll import until
from tests.support.server import Clients, WsClient, free_port, session_data, start_server


def _serve(db: Path, mail: Controller | None) -> EmbeddedServer:
    server = start_server(db)
    if mail is not None:
        server.server.notifications.smtp_config = SmtpConfig(
            "127.0.0.1", mail.port, "none", sender="desk@studio.test", retry_delays=()
        )
    return server


async def test_each_email_is_sent_once_across_restarts(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtpd
    db = tmp_path / "studio.sqlite3"
    first = _serve(db, None)  # no mail server configured yet: the emails wait in the outbox
    try:
        pool = Clients(first)
        rita, session = await book_emailed_sessions(pool)
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
        await flush_outbox(second)
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
    pool = Clients(third)
    try:
        assert await flush_outbox(third) == 0  # nothing twice
        boss = await pool.signed_in("boss")
        await boss.ok(
            "session.update",
            {
                "id": session["id"],
                "version": session["version"],
                "changes": {"status": "cancelled", "cancel_reason": "ill"},
            },
        )
        await flush_outbox(third)  # (a change also wakes the outbox: either pass sends it)
        await until(lambda: len(inbox.messages) == 3, what="the cancellation notice")
        # The SMTP server has the message before the outbox records it as sent: wait for the record.
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            sent = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            statuses = sorted((m["kind"], m["status"]) for m in sent)
            if ("cancellation", "sending") not in statuses or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.05)
        assert statuses == [
            ("cancellation", "sent"),
            ("confirmation", "sent"),
            ("reminder", "sent"),
        ]
    finally:
        await pool.close()  # before stopping: the server's stop waits for its clients to close
        third.stop()
    assert [m["Subject"] for _, m in inbox.messages].count("Swan Studios Lisboa: Booking cancelled") == 1
    assert len(inbox.messages) == 3


async def test_a_storm_of_session_changes_makes_a_few_outbox_passes_not_one_for_each(tmp_path: Path) -> None:
    """Each committed group of session events wakes the outbox (a change may have queued an email);
    wakes close together are one pass. Before, every group cost a pass: a database read of the
    mail settings on the worker every change makes."""
    server = start_server(tmp_path / "studio.sqlite3")
    try:
        pool = Clients(server)
        boss = await pool.signed_in("boss")
        session = (await boss.ok("session.create", session_data(allow_overlap=True)))["session"]
        outbox = server.server.clients.outbox
        before = outbox.passes
        for n in range(60):  # one at a time: each its own group, its own events, its own wake
            session = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                                         "changes": {"notes": f"set {n}"}}))["session"]
            await asyncio.sleep(0.01)
        await until(lambda: not outbox._wake.is_set(), what="the last wake's pass")
        assert 1 <= outbox.passes - before <= 20, outbox.passes - before
        await pool.close()
    finally:
        server.stop()


async def test_reminder_settings_are_admin_only(tmp_path: Path) -> None:
    server = start_server(tmp_path / "studio.sqlite3")
    try:
        pool = Clients(server)
        ana, boss = await pool.signed_in("ana"), await pool.signed_in("boss")
        assert (await ana.error("reminder.settings", {"hours_before": 2}))["code"] == "forbidden"
        reply = await boss.ok("reminder.settings", {"hours_before": 2, "confirmations": False})
        assert reply["settings"] == {"hours_before": 2, "confirmations": False, "cancellations": True,
                                     "enabled": True}
        await pool.close()
    finally:
        server.stop()


async def _booked_in_three_days(boss: WsClient) -> dict[str, Any]:
    """Rita (who agreed to reminders), booked three days from now."""
    rita = (await boss.ok("client.create", {"name": "Rita", "email": "rita@example.com",
                                            "consent": {"reminders": True}}))["client"]
    soon = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=3)
    await boss.ok("session.create", {"start": format_ts(soon), "end": format_ts(soon + timedelta(hours=1)),
                                     "trainer_id": 1, "client_id": rita["id"], "allow_overlap": True})
    return dict(rita)


STUDIO_SMTP = {"port": 25, "security": "none", "user": "", "from": "desk@studio.test"}


async def test_the_studios_mail_server_is_set_by_an_admin_and_a_test_email_arrives(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtpd
    server = _serve(tmp_path / "studio.sqlite3", None)  # no --smtp-host: the studio's settings only
    try:
        pool = Clients(server)
        boss, vic = await pool.signed_in("boss"), await pool.signed_in("vic")
        before = await boss.ok("reminder.settings.get", {})
        assert before["smtp"]["source"] == "none" and before["settings"]["hours_before"] == 24
        smtp = {**STUDIO_SMTP, "host": "127.0.0.1", "port": controller.port}
        reply = await boss.ok("reminder.settings", {"hours_before": 12, "enabled": True, "smtp": smtp})
        assert reply["smtp"] == {**smtp, "password_set": False, "password_kept": False, "source": "studio"}
        assert reply["settings"]["hours_before"] == 12
        assert (await boss.ok("reminder.settings.get", {})) == reply

        sent = await boss.ok("reminder.test", {"to": "boss@studio.test"})
        assert sent["sent"] is True and sent["detail"] == ""
        await until(lambda: len(inbox.messages) == 1, what="the test email")
        [(rcpt, message)] = inbox.messages
        assert rcpt == ["boss@studio.test"] and message["From"] == "desk@studio.test"
        assert message["Subject"].endswith(": test email") and message["Message-ID"] == sent["message_id"]

        # a client's booking confirmation goes through the studio's mail server too
        await _booked_in_three_days(boss)
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 2, what="the confirmation (the reminder is not due yet)")
        assert inbox.messages[1][1]["Subject"].endswith("Booking confirmed")

        # the mail server's settings are the admins' alone, also in what every role reads
        for request, data in (("reminder.settings.get", {}), ("reminder.test", {"to": "vic@studio.test"}),
                              ("reminder.settings", {"smtp": smtp})):
            assert (await vic.error(request, data))["code"] == "forbidden", request
        shared = (await vic.ok("studio.settings.get", {}))["settings"]
        assert not [k for k in shared if k.startswith("smtp")]
        assert "127.0.0.1" not in str(vic.events)
        await pool.close()
    finally:
        server.stop()


async def test_reminders_switched_off_are_not_queued_and_a_failing_server_is_reported(tmp_path: Path) -> None:
    server = start_server(tmp_path / "studio.sqlite3")
    try:
        pool = Clients(server)
        boss = await pool.signed_in("boss")
        nobody = free_port()  # nothing listens there
        await boss.ok("reminder.settings", {"enabled": False,
                                            "smtp": {**STUDIO_SMTP, "host": "127.0.0.1", "port": nobody}})
        failed = await boss.ok("reminder.test", {"to": "boss@studio.test"})
        assert failed["sent"] is False and failed["detail"]
        bad = await boss.error("reminder.test", {"to": "not an address"})
        assert (bad["code"], bad["data"]["field"]) == ("invalid", "to")
        bad = await boss.error("reminder.settings", {"smtp": {**STUDIO_SMTP, "host": "mail server; rm"}})
        assert (bad["code"], bad["data"]["field"]) == ("invalid", "smtp.host")
        rita = await _booked_in_three_days(boss)
        kinds = [m["kind"] for m in (await boss.ok("client.get", {"id": rita["id"]}))["messages"]]
        assert kinds == ["confirmation"], "no reminder while reminders are off"
        await pool.close()
    finally:
        server.stop()
