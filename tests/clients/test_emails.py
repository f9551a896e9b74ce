"""Emails to clients through a real SMTP server (aiosmtpd): confirmation with an .ics, reminder,
cancellation; each once, also when the server restarts between queueing and sending."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from sqlalchemy import select

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.clients.emails import (
    BOOKED_AGAIN,
    CHANGE_GRACE,
    DAILY_MOST,
    RESEND,
    SWITCHED_OFF,
    TOO_LATE,
    TOO_MANY,
    WITHDRAWN,
)
from swan_desktop.server.clients.tables import client_emails
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.notifications import SmtpConfig
from tests.support.mail import AnyPortController, HeldInbox, Inbox
from tests.support.outbox import book_emailed_sessions, flush_outbox
from tests.support.poll import until, until_answered
from tests.support.server import Clients, WsClient, free_port, on_server, session_data, start_server


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


async def _booked_ahead(boss: WsClient, name: str = "Rita", email: str = "rita@example.com",
                       days: int = 3) -> dict[str, Any]:
    """Rita (who agreed to reminders), booked ``days`` from now."""
    rita = (await boss.ok("client.create", {"name": name, "email": email,
                                            "consent": {"reminders": True}}))["client"]
    soon = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=days)
    await boss.ok("session.create", {"start": format_ts(soon), "end": format_ts(soon + timedelta(hours=1)),
                                     "trainer_id": 1, "client_id": rita["id"], "allow_overlap": True})
    return dict(rita)


async def _bea_booked(boss: WsClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """Bea (who agreed to reminders), booked three days from now, and her session."""
    bea = await _booked_ahead(boss, "Bea", "bea@example.com")
    [session] = (await boss.ok("client.get", {"id": bea["id"]}))["upcoming"]
    return bea, dict(session)


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
        await _booked_ahead(boss)
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
        rita = await _booked_ahead(boss)
        kinds = [m["kind"] for m in (await boss.ok("client.get", {"id": rita["id"]}))["messages"]]
        assert kinds == ["confirmation"], "no reminder while reminders are off"
        await pool.close()
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def _studio(tmp_path: Path, mail: Controller) -> AsyncIterator[tuple[EmbeddedServer, WsClient]]:
    """A server sending through ``mail``, and boss signed in to it."""
    server = _serve(tmp_path / "studio.sqlite3", mail)
    pool = Clients(server)
    try:
        yield server, await pool.signed_in("boss")
    finally:
        await pool.close()
        server.stop()


def _detail(server: EmbeddedServer, client_id: int, kind: str) -> str:
    query = select(client_emails.c.detail).where(client_emails.c.client_id == client_id,
                                                  client_emails.c.kind == kind)
    return str(server.server.store.submit(lambda store: store.db.execute(query).scalar_one()))


def _messages(listed: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    return {m["kind"]: (m["status"], m["to"]) for m in listed}


async def test_a_reminder_goes_to_the_address_and_consent_the_client_has_when_it_is_due(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """A reminder is queued when the session is booked, days before it is due. Rita corrects her
    address meanwhile: it goes to the new one. Bea withdraws her consent: she gets nothing."""
    inbox = smtpd[1]
    async with _studio(tmp_path, smtpd[0]) as (server, boss):
        rita = await _booked_ahead(boss)
        bea = await _booked_ahead(boss, "Bea", "bea@example.com")
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 2, what="both booking confirmations")
        await boss.ok("client.update", {"id": rita["id"], "changes": {"email": "rita.lobo@example.com"}})
        await boss.ok("client.update", {"id": bea["id"], "changes": {"consent": {"reminders": False}}})

        outbox = server.server.clients.outbox
        outbox.clock = lambda: datetime.now(UTC) + timedelta(days=2, hours=1)  # the reminders are due
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 3, what="Rita's reminder")
        await flush_outbox(server)  # nothing else goes
        assert [(rcpt, m["Subject"].rpartition(": ")[2]) for rcpt, m in inbox.messages[2:]] == [
            (["rita.lobo@example.com"], "Reminder")]

        async def recorded() -> bool:
            listed = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            return _messages(listed)["reminder"] == ("sent", "rita.lobo@example.com")

        await until_answered(recorded, what="Rita's reminder listed as sent to her new address")
        listed = (await boss.ok("client.get", {"id": bea["id"]}))["messages"]
        assert _messages(listed) == {"confirmation": ("sent", "bea@example.com"),
                                     "reminder": ("dropped", "bea@example.com")}
        assert _detail(server, bea["id"], "reminder") == WITHDRAWN


async def test_reminders_already_waiting_follow_the_studios_settings(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """``hours_before`` changed: the waiting reminders' due times move with it. Reminders switched
    off: the ones already waiting are not sent either, and none are queued. Switched back on: every
    session ahead has its reminder again."""
    inbox = smtpd[1]
    async with _studio(tmp_path, smtpd[0]) as (server, boss):
        rita = await _booked_ahead(boss)
        [session] = (await boss.ok("client.get", {"id": rita["id"]}))["upcoming"]
        start = datetime.fromisoformat(session["start"])

        async def reminder() -> dict[str, Any]:
            listed = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            return next(m for m in listed if m["kind"] == "reminder")

        assert datetime.fromisoformat((await reminder())["due_at"]) == start - timedelta(hours=24)
        await boss.ok("reminder.settings", {"hours_before": 2})
        assert datetime.fromisoformat((await reminder())["due_at"]) == start - timedelta(hours=2)

        await boss.ok("reminder.settings", {"enabled": False})
        server.server.clients.outbox.clock = lambda: start - timedelta(hours=1)
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 1, what="the confirmation")
        assert (await reminder())["status"] == "dropped"
        assert _detail(server, rita["id"], "reminder") == SWITCHED_OFF
        assert [m["Subject"].rpartition(": ")[2] for _, m in inbox.messages] == ["Booking confirmed"]

        # booked while they are off: no reminder queued; switched back on, both sessions get one
        later = start + timedelta(days=1)
        second = (await boss.ok("session.create", {
            "start": format_ts(later), "end": format_ts(later + timedelta(hours=1)), "trainer_id": 1,
            "client_id": rita["id"], "allow_overlap": True}))["session"]
        reminders = {m["session_id"]: m for m in (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
                     if m["kind"] == "reminder"}
        assert second["id"] not in reminders
        await boss.ok("reminder.settings", {"enabled": True})  # (wakes the outbox: the first is due)
        await until(lambda: len(inbox.messages) == 3, what="the first session's reminder, now due")
        subjects = sorted(m["Subject"].rpartition(": ")[2] for _, m in inbox.messages)
        assert subjects == ["Booking confirmed", "Booking confirmed", "Reminder"]

        async def listed() -> dict[int, tuple[str, str]]:
            messages = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            return {m["session_id"]: (m["status"], m["due_at"]) for m in messages if m["kind"] == "reminder"}

        async def recorded() -> bool:
            return (await listed())[session["id"]][0] == "sent"

        await until_answered(recorded, what="the first reminder recorded as sent")
        assert await listed() == {session["id"]: ("sent", format_ts(start - timedelta(hours=2))),
                                  second["id"]: ("pending", format_ts(later - timedelta(hours=2)))}


async def test_a_client_who_gives_an_address_and_consent_after_booking_is_reminded(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """Booked with no address and no consent (nothing queued); the address and the consent come
    later, from the front desk: the sessions ahead get their reminders (not a confirmation)."""
    inbox = smtpd[1]
    async with _studio(tmp_path, smtpd[0]) as (server, boss):
        nora = (await boss.ok("client.create", {"name": "Nora"}))["client"]
        soon = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=3)
        span = {"start": format_ts(soon), "end": format_ts(soon + timedelta(hours=1)), "trainer_id": 1,
                "allow_overlap": True}
        ahead = (await boss.ok("session.create", {**span, "client_id": nora["id"]}))["session"]
        before = soon - timedelta(days=5)  # two days ago: no reminder for it
        await boss.ok("session.create", {**span, "client_id": nora["id"], "start": format_ts(before),
                                         "end": format_ts(before + timedelta(hours=1))})
        assert (await boss.ok("client.get", {"id": nora["id"]}))["messages"] == []

        await boss.ok("client.update", {"id": nora["id"], "changes": {"email": "nora@example.com"}})
        assert (await boss.ok("client.get", {"id": nora["id"]}))["messages"] == [], "no consent yet"
        await boss.ok("client.update", {"id": nora["id"], "changes": {"consent": {"reminders": True}}})
        listed = (await boss.ok("client.get", {"id": nora["id"]}))["messages"]
        assert [(m["kind"], m["session_id"], m["status"], m["to"]) for m in listed] == [
            ("reminder", ahead["id"], "pending", "nora@example.com")]

        server.server.clients.outbox.clock = lambda: soon - timedelta(hours=1)
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 1, what="Nora's reminder")
        assert inbox.messages[0][0] == ["nora@example.com"]
        assert inbox.messages[0][1]["Subject"].endswith(": Reminder")


async def test_emails_waiting_for_a_mail_server_go_as_soon_as_an_admin_sets_one(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """Booked before the studio had a mail server: the confirmation and the reminder wait. The
    admin sets the studio's mail server: they go then, not at the outbox's next round (30 s)."""
    controller, inbox = smtpd
    server = _serve(tmp_path / "studio.sqlite3", None)
    pool = Clients(server)
    try:
        await book_emailed_sessions(pool)
        boss = await pool.signed_in("boss")
        await until(lambda: not server.server.clients.outbox._wake.is_set(), what="the booking's round")
        assert inbox.messages == []
        smtp = {**STUDIO_SMTP, "host": "127.0.0.1", "port": controller.port}
        await boss.ok("reminder.settings", {"smtp": smtp})
        await until(lambda: len(inbox.messages) == 2, timeout=5, what="both emails, at once")
    finally:
        await pool.close()
        server.stop()


def _no_grace(server: EmbeddedServer) -> None:
    """The outbox's clock past a change notice's grace (emails.CHANGE_GRACE): it goes at once."""
    server.server.clients.outbox.clock = lambda: datetime.now(UTC) + CHANGE_GRACE + timedelta(minutes=1)


def _text(message: Any) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return str(part.get_payload(decode=True).decode())


def _ics(message: Any) -> str:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return str(part.get_payload(decode=True).decode())


async def test_a_booked_client_is_told_when_their_session_moves_or_changes_room(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """Moved before the confirmation went: the confirmation has the new time, nothing else goes.
    Moved after: "Booking changed", with the new time and an .ics its calendar takes as the same
    event, newer; changed again (the room): told again. Its notes changed: nothing."""
    controller, inbox = smtpd
    server = _serve(tmp_path / "studio.sqlite3", None)  # no mail server yet: the confirmation waits
    _no_grace(server)
    pool = Clients(server)
    try:
        rita, session = await book_emailed_sessions(pool)
        boss = await pool.signed_in("boss")
        start = datetime.fromisoformat(session["start"])

        async def move(hours: int) -> None:
            nonlocal session, start
            start += timedelta(hours=hours)
            changes = {"start": format_ts(start), "end": format_ts(start + timedelta(hours=1))}
            update = {"id": session["id"], "version": session["version"], "changes": changes,
                      "allow_overlap": True}
            session = (await boss.ok("session.update", update))["session"]

        def subjects() -> list[str]:
            return [m["Subject"].rpartition(": ")[2] for _, m in inbox.messages]

        await move(1)
        kinds = [m["kind"] for m in (await boss.ok("client.get", {"id": rita["id"]}))["messages"]]
        assert "change" not in kinds, "the confirmation has not gone: it will say the new time"
        smtp = {**STUDIO_SMTP, "host": "127.0.0.1", "port": controller.port}
        await boss.ok("reminder.settings", {"smtp": smtp})
        await until(lambda: sorted(subjects()) == ["Booking confirmed", "Reminder"], what="the two emails")
        confirmation = next(m for _, m in inbox.messages if m["Subject"].endswith("Booking confirmed"))
        local = start.astimezone(ZoneInfo("Europe/Lisbon"))
        assert f"{local:%H:%M}" in _text(confirmation)

        await move(2)
        await until(lambda: subjects().count("Booking changed") == 1, what="the change notice")
        notice = inbox.messages[-1][1]
        local = start.astimezone(ZoneInfo("Europe/Lisbon"))
        assert inbox.messages[-1][0] == ["rita@example.com"] and f"{local:%H:%M}" in _text(notice)
        assert "it is now with" in _text(notice)
        ics = _ics(notice)
        assert f"UID:session-{session['id']}" in ics and "SEQUENCE:2" in ics and format_ts(start).replace(
            "-", "").replace(":", "") in ics

        await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                         "changes": {"location": "Studio B"}, "allow_overlap": True})
        await until(lambda: subjects().count("Booking changed") == 2, what="told again: another room")
        assert "Room: Studio B" in _text(inbox.messages[-1][1])
        session = (await boss.ok("client.get", {"id": rita["id"]}))["upcoming"][0]
        await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                         "changes": {"notes": "bring a towel"}})
        await flush_outbox(server)
        assert subjects().count("Booking changed") == 2, "notes are the studio's: no email"
        assert all(rcpt == ["rita@example.com"] for rcpt, _ in inbox.messages), "not Quiet (no consent)"
    finally:
        await pool.close()
        server.stop()


async def test_a_weekly_series_is_confirmed_once_and_a_move_told_once(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """Four weekly sessions booked at once: one confirmation, whose calendar file holds all four.
    Moved an hour later ("this and the following"): one "Booking changed", likewise; not one a
    week."""
    inbox = smtpd[1]
    async with _studio(tmp_path, smtpd[0]) as (server, boss):
        _no_grace(server)
        ava = (await boss.ok("client.create", {"name": "Ava", "email": "ava@example.com",
                                               "consent": {"reminders": True}}))["client"]
        first = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=3)
        created = await boss.ok("session.create", {
            "start": format_ts(first), "end": format_ts(first + timedelta(hours=1)), "trainer_id": 1,
            "client_id": ava["id"], "allow_overlap": True,
            "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=4", "tz": "UTC"}})
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 1, what="the series' one confirmation")
        confirmation = inbox.messages[0][1]
        assert confirmation["Subject"].endswith("Booking confirmed")
        last = first + timedelta(weeks=3)
        assert f"It repeats: 3 more, the last on {last:%A %d %B %Y}" in _text(confirmation)
        assert _ics(confirmation).count("BEGIN:VEVENT") == 4
        later = first + timedelta(hours=1)
        moved = await boss.ok("session.update", {
            "id": created["session"]["id"], "version": 1, "scope": "following", "allow_overlap": True,
            "changes": {"start": format_ts(later), "end": format_ts(later + timedelta(hours=1))}})
        assert moved["series"]["count"] == 4
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 2, what="the change notice")
        await flush_outbox(server)
        notice = inbox.messages[1][1]
        assert notice["Subject"].endswith("Booking changed") and f"{later:%H:%M}" in _text(notice)
        assert "It repeats: 3 more" in _text(notice)
        assert _ics(notice).count(f"T{later:%H%M%S}Z") >= 4, "all four at the new time"
        assert [m["Subject"].rpartition(": ")[2] for _, m in inbox.messages] == [
            "Booking confirmed", "Booking changed"]

        # the client stops after the first two: the last two cancelled together, one notice
        third = moved["sessions"][2]
        await boss.ok("session.update", {"id": third["id"], "version": third["version"], "scope": "following",
                                         "changes": {"status": "cancelled", "cancel_reason": "moving away"}})
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 3, what="the cancellation notice")
        await flush_outbox(server)
        notice = inbox.messages[2][1]
        assert notice["Subject"].endswith("Booking cancelled") and len(inbox.messages) == 3
        last = later + timedelta(weeks=3)
        said = f"The next session of this series, on {last:%A %d %B %Y}, is cancelled with it."
        assert said in _text(notice)
        kinds = [(m["session_id"], m["kind"], m["status"])
                 for m in (await boss.ok("client.get", {"id": ava["id"]}))["messages"]]
        assert (moved["sessions"][3]["id"], "reminder", "dropped") in kinds


async def test_a_session_cancelled_by_mistake_and_booked_again(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """Cancelled after the client was told it was booked: they are told it is cancelled; booked
    again: told it is on (a change notice), and their reminder comes back; cancelled again: told
    again. Cancelled and booked again before anything went: the cancellation never goes, and the
    confirmation and reminder do."""
    controller, inbox = smtpd
    server = _serve(tmp_path / "studio.sqlite3", None)  # no mail server yet: everything waits
    _no_grace(server)
    pool = Clients(server)
    try:
        rita, session = await book_emailed_sessions(pool)
        boss = await pool.signed_in("boss")

        async def status(value: str, **more: Any) -> None:
            nonlocal session
            data = {"id": session["id"], "version": session["version"], "allow_overlap": True,
                    "changes": {"status": value, **more}}
            session = (await boss.ok("session.update", data))["session"]

        def subjects() -> list[str]:
            return [m["Subject"].rpartition(": ")[2] for _, m in inbox.messages]

        async def messages() -> dict[str, tuple[str, str]]:
            listed = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            return {m["kind"]: (m["status"], m["detail"]) for m in listed}

        await status("cancelled", cancel_reason="wrong client")
        await status("scheduled")  # before anything was sent
        assert (await messages())["cancellation"] == ("dropped", BOOKED_AGAIN)
        smtp = {**STUDIO_SMTP, "host": "127.0.0.1", "port": controller.port}
        await boss.ok("reminder.settings", {"smtp": smtp})
        await until(lambda: sorted(subjects()) == ["Booking confirmed", "Reminder"],
                    what="the booking's emails")

        async def gone() -> bool:
            return not {s for s, _ in (await messages()).values()} & {"pending", "sending"}

        await until_answered(gone, what="every email sent or dropped")
        await status("cancelled", cancel_reason="ill")
        await until(lambda: subjects().count("Booking cancelled") == 1, what="the cancellation")
        await until_answered(gone, what="the cancellation recorded")
        await status("scheduled")  # told it was cancelled: told it is on
        await until(lambda: subjects().count("Booking changed") == 1, what="told it is on again")
        assert "it is now with" in _text(inbox.messages[-1][1])
        await until_answered(gone, what="the change notice recorded")
        await status("cancelled", cancel_reason="ill again")
        await until(lambda: subjects().count("Booking cancelled") == 2, what="cancelled again: told again")
        assert all(rcpt == ["rita@example.com"] for rcpt, _ in inbox.messages)
    finally:
        await pool.close()
        server.stop()


async def test_a_change_made_while_the_last_notice_is_being_sent_is_told_too(tmp_path: Path) -> None:
    """The change notice of a move is with the mail server when the room changes too: the notice
    in flight has the old room, so a second one follows with the new."""
    held = HeldInbox()
    mail = AnyPortController(held, hostname="127.0.0.1", port=0)
    mail.start()
    try:
        async with _studio(tmp_path, mail) as (server, boss):
            _no_grace(server)
            rita = await _booked_ahead(boss)
            await until(lambda: len(held.messages) == 1, what="the confirmation")
            [session] = (await boss.ok("client.get", {"id": rita["id"]}))["upcoming"]
            held.released.clear()
            held.reached.clear()
            start = datetime.fromisoformat(session["start"]) + timedelta(hours=1)
            moved = {"start": format_ts(start), "end": format_ts(start + timedelta(hours=1))}
            session = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                                        "allow_overlap": True, "changes": moved}))["session"]
            await until(held.reached.is_set, what="the change notice with the mail server")
            await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                             "changes": {"location": "Studio B"}, "allow_overlap": True})
            assert _detail(server, rita["id"], "change") == RESEND
            held.released.set()
            await until(lambda: len(held.messages) == 3, what="the second change notice")
            first, second = (_text(m) for _, m in held.messages[1:])
            assert "Studio B" not in first and "Room: Studio B" in second
            await flush_outbox(server)
            assert len(held.messages) == 3
    finally:
        held.released.set()
        mail.stop()


async def test_a_booked_session_deleted_is_told_as_a_cancellation(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """Deleted before anything went to the client: nothing goes. Deleted after the confirmation
    went: the client is sent a cancellation notice, written from the session as it was."""
    controller, inbox = smtpd
    server = _serve(tmp_path / "studio.sqlite3", None)  # no mail server yet: the confirmation waits
    pool = Clients(server)
    try:
        boss = await pool.signed_in("boss")
        _, first = await _bea_booked(boss)
        await boss.ok("session.delete", {"id": first["id"], "version": first["version"]})
        smtp = {**STUDIO_SMTP, "host": "127.0.0.1", "port": controller.port}
        await boss.ok("reminder.settings", {"smtp": smtp})
        await flush_outbox(server)
        assert inbox.messages == [], "Bea never heard of it: she hears nothing"

        rita = await _booked_ahead(boss)
        await until(lambda: len(inbox.messages) == 1, what="Rita's confirmation")
        [session] = (await boss.ok("client.get", {"id": rita["id"]}))["upcoming"]

        async def confirmed() -> bool:
            listed = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            return any(m["kind"] == "confirmation" and m["status"] == "sent" for m in listed)

        await until_answered(confirmed, what="the confirmation recorded as sent")
        await boss.ok("session.delete", {"id": session["id"], "version": session["version"]})
        await until(lambda: len(inbox.messages) == 2, what="the cancellation notice")
        rcpt, notice = inbox.messages[1]
        start = datetime.fromisoformat(session["start"])
        assert rcpt == ["rita@example.com"] and notice["Subject"].endswith("Booking cancelled")
        assert f"{start:%A %d %B %Y, %H:%M}" in _text(notice)
        await flush_outbox(server)
        assert len(inbox.messages) == 2
    finally:
        await pool.close()
        server.stop()


async def test_a_client_booked_again_after_a_deleted_booking_gets_the_new_bookings_emails(
    tmp_path: Path,
) -> None:
    """Bea's booking is deleted and she is booked on another day: the new session is a new id, and
    its confirmation and reminder wait in the outbox. (On SQLite the new session used to take the
    deleted one's id, and its emails, one per session, client and kind, were never queued.)"""
    server = _serve(tmp_path / "studio.sqlite3", None)  # no mail server: the emails wait
    pool = Clients(server)
    try:
        boss = await pool.signed_in("boss")
        bea, first = await _bea_booked(boss)
        await boss.ok("session.delete", {"id": first["id"], "version": first["version"]})
        later = datetime.fromisoformat(first["start"]) + timedelta(days=1)
        again = (await boss.ok("session.create", {
            "start": format_ts(later), "end": format_ts(later + timedelta(hours=1)), "trainer_id": 1,
            "client_id": bea["id"], "allow_overlap": True}))["session"]
        assert again["id"] > first["id"]
        listed = (await boss.ok("client.get", {"id": bea["id"]}))["messages"]
        waiting = sorted((m["kind"], m["status"]) for m in listed if m["session_id"] == again["id"])
        assert waiting == [("confirmation", "pending"), ("reminder", "pending")]
    finally:
        await pool.close()
        server.stop()


async def test_changes_made_together_reach_the_client_as_one_email(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """The desk moves Rita's session, moves it again, and gives her two other sessions another
    room and another trainer, one request each: after the grace (emails.CHANGE_GRACE) she gets
    one "Bookings changed" with the three as they are now, and a calendar file holding them."""
    inbox = smtpd[1]
    async with _studio(tmp_path, smtpd[0]) as (server, boss):
        rita = (await boss.ok("client.create", {"name": "Rita", "email": "rita@example.com",
                                                "consent": {"reminders": True}}))["client"]
        base = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=3)
        sessions = []
        for day in range(3):
            start = base + timedelta(days=day)
            sessions.append((await boss.ok("session.create", {
                "start": format_ts(start), "end": format_ts(start + timedelta(hours=1)), "trainer_id": 1,
                "client_id": rita["id"], "allow_overlap": True}))["session"])
        await until(lambda: len(inbox.messages) == 3, what="the three confirmations")

        async def change(index: int, changes: dict[str, Any]) -> None:
            s = sessions[index]
            data = {"id": s["id"], "version": s["version"], "changes": changes, "allow_overlap": True}
            sessions[index] = (await boss.ok("session.update", data))["session"]

        def at(hour: int) -> dict[str, str]:
            start = base.replace(hour=hour)
            return {"start": format_ts(start), "end": format_ts(start + timedelta(hours=1))}

        await change(0, at(6))
        await change(0, at(7))  # moved again before the notice went
        await change(1, {"location": "Studio B"})
        await change(2, {"trainer_id": 2})
        await flush_outbox(server)
        assert len(inbox.messages) == 3, "not yet: the desk may not be done"

        server.server.clients.outbox.clock = lambda: datetime.now(UTC) + CHANGE_GRACE + timedelta(minutes=1)
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 4, what="the one change email")
        await flush_outbox(server)
        assert len(inbox.messages) == 4
        rcpt, email = inbox.messages[3]
        text = _text(email)
        assert rcpt == ["rita@example.com"] and email["Subject"].endswith("Bookings changed")
        assert "these 3 sessions of yours have changed" in text and text.count("\n- Your session") == 3
        assert f"{base.replace(hour=7):%A %d %B %Y, %H:%M}" in text and "Room: Studio B" in text
        assert f"{base.replace(hour=6):%H:%M}" not in text, "the session as it is now, not as first moved"
        assert _ics(email).count("BEGIN:VEVENT") == 3

        async def recorded() -> bool:
            listed = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            ids = {m["message_id"] for m in listed if m["kind"] == "change" and m["status"] == "sent"}
            return len([m for m in listed if m["kind"] == "change"]) == 3 and ids == {email["Message-ID"]}

        await until_answered(recorded, what="the three change notices recorded as that one email")


async def test_emails_about_a_session_that_began_while_the_server_was_off_are_not_sent(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """Rita's session is in three days, Bea's in five; the studio's server is off from the booking
    until Rita's session has begun (a long weekend). Then Rita is not sent a confirmation and a
    reminder of a session already under way; her card says why. Bea, whose session is still ahead,
    gets her confirmation late, and her reminder when it is due."""
    inbox = smtpd[1]
    async with _studio(tmp_path, smtpd[0]) as (server, boss):
        outbox = server.server.clients.outbox
        # Whenever the outbox looks, from the booking on, it is as if back after Rita's start (it
        # runs on its own too: a clock moved only after the booking raced its first pass).
        outbox.clock = lambda: datetime.now(UTC) + timedelta(days=3, minutes=10)
        rita = await _booked_ahead(boss)
        await _booked_ahead(boss, "Bea", "bea@example.com", days=5)
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 1, what="Bea's late confirmation")
        assert [(rcpt, m["Subject"].rpartition(": ")[2]) for rcpt, m in inbox.messages] == [
            (["bea@example.com"], "Booking confirmed")]

        listed: list[dict[str, Any]] = []

        async def done_with_rita() -> bool:
            """Whether the outbox is done with Rita's emails (a claimed batch is gone through one
            email at a time: Bea's may arrive while Rita's reminder is still being looked at)."""
            nonlocal listed
            listed = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            return not any(m["status"] in ("pending", "sending") for m in listed)

        await until_answered(done_with_rita, what="Rita's emails gone through")
        assert _messages(listed) == {"confirmation": ("dropped", "rita@example.com"),
                                     "reminder": ("dropped", "rita@example.com")}
        assert {m["detail"] for m in listed} == {TOO_LATE}
        outbox.clock = lambda: datetime.now(UTC) + timedelta(days=4, hours=1)  # Bea's reminder is due
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 2, what="Bea's reminder")
        rcpt, reminder = inbox.messages[1]
        assert rcpt == ["bea@example.com"] and reminder["Subject"].endswith("Reminder")


async def test_a_client_taken_off_a_booking_they_were_told_of_is_told_it_is_off(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """Rita was sent her confirmation; the desk then corrects the session's client to Bea: Bea gets
    her confirmation and Rita a cancellation (before, Rita heard nothing and came)."""
    inbox = smtpd[1]
    async with _studio(tmp_path, smtpd[0]) as (server, boss):
        bea = (await boss.ok("client.create", {"name": "Bea", "email": "bea@example.com",
                                               "consent": {"reminders": True}}))["client"]
        rita = await _booked_ahead(boss)
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 1, what="Rita's confirmation")
        [session] = (await boss.ok("client.get", {"id": rita["id"]}))["upcoming"]
        await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                         "changes": {"client_id": bea["id"]}})
        await flush_outbox(server)
        await until(lambda: len(inbox.messages) == 3, what="Bea's confirmation and Rita's cancellation")
        got = sorted((rcpt[0], m["Subject"].rpartition(": ")[2]) for rcpt, m in inbox.messages[1:])
        assert got == [("bea@example.com", "Booking confirmed"), ("rita@example.com", "Booking cancelled")]
        listed = _messages((await boss.ok("client.get", {"id": rita["id"]}))["messages"])
        assert listed["reminder"][0] == "dropped" and listed["cancellation"][0] == "sent"


async def test_a_client_taken_off_and_put_back_is_told_it_is_on_again(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """Rita, confirmed on a duo, is taken off it (told it is cancelled) and put back: she is told it
    is on and her reminder comes back. The same for a session's client corrected to Bea and back.
    Before, the second booking found her earlier rows and queued nothing, so she stayed away."""
    inbox = smtpd[1]
    async with _studio(tmp_path, smtpd[0]) as (server, boss):
        _no_grace(server)
        duo = (await boss.ok("session_type.create", {"name": "Duo", "duration_min": 60, "color": "#2f6690",
                                                      "credits": 0, "capacity": 2}))["session_type"]
        bea = (await boss.ok("client.create", {"name": "Bea", "email": "bea@example.com",
                                               "consent": {"reminders": True}}))["client"]
        rita = await _booked_ahead(boss)
        [session] = (await boss.ok("client.get", {"id": rita["id"]}))["upcoming"]
        session = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                                    "changes": {"session_type_id": duo["id"]}}))["session"]

        def told() -> list[tuple[str, str]]:
            return [(rcpt[0].partition("@")[0], m["Subject"].rpartition(": ")[2])
                    for rcpt, m in inbox.messages]

        async def settled() -> bool:
            listed = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            return not {m["status"] for m in listed} & {"sending"} and all(
                m["status"] != "pending" or m["kind"] == "reminder" for m in listed)

        async def flushed(count: int, what: str) -> None:
            await flush_outbox(server)
            await until(lambda: len(inbox.messages) == count, what=what)
            await until_answered(settled, what="the outbox recorded what it sent")

        await flushed(1, "Rita's confirmation")
        place = {"session_id": session["id"], "client_id": rita["id"]}
        await boss.ok("booking.remove", {**place, "reason": "ill"})
        await flushed(2, "Rita's cancellation")
        await boss.ok("booking.add", place)
        await flushed(3, "Rita told it is on again")
        assert told() == [("rita", "Booking confirmed"), ("rita", "Booking cancelled"),
                          ("rita", "Booking changed")]
        listed = _messages((await boss.ok("client.get", {"id": rita["id"]}))["messages"])
        assert listed["reminder"][0] == "pending"

        session = (await boss.ok("client.get", {"id": rita["id"]}))["upcoming"][0]
        await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                         "changes": {"client_id": bea["id"]}})
        await flushed(5, "Bea's confirmation and Rita's cancellation")
        [session] = (await boss.ok("client.get", {"id": bea["id"]}))["upcoming"]
        await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                         "changes": {"client_id": rita["id"]}})
        await flushed(7, "Rita told it is on again, Bea that it is off")
        assert sorted(told()[5:]) == [("bea", "Booking cancelled"), ("rita", "Booking changed")]
        listed = _messages((await boss.ok("client.get", {"id": rita["id"]}))["messages"])
        assert listed["reminder"][0] == "pending"


async def test_attack_taking_a_client_off_and_back_over_and_over_sends_at_most_a_days_share(
    tmp_path: Path, smtpd: tuple[Controller, Inbox]
) -> None:
    """One desk takes Rita off a duo and puts her back, again and again: each time used to send her
    an email (a cancellation, then 'it is on'), without bound, flooding her inbox and getting the
    studio's mail server listed as a spammer. She gets at most DAILY_MOST in a day; past that the
    card says why; Bea, booked after, still gets her confirmation."""
    inbox = smtpd[1]
    async with _studio(tmp_path, smtpd[0]) as (server, boss):
        _no_grace(server)
        # only this test's passes send: each is done, its notices made, when it returns
        await on_server(server, server.server.clients.outbox.stop)
        duo = (await boss.ok("session_type.create", {"name": "Duo", "duration_min": 60, "color": "#2f6690",
                                                      "credits": 0, "capacity": 2}))["session_type"]
        rita = await _booked_ahead(boss)
        [session] = (await boss.ok("client.get", {"id": rita["id"]}))["upcoming"]
        await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                         "changes": {"session_type_id": duo["id"]}})
        place = {"session_id": session["id"], "client_id": rita["id"]}
        for turn in range(DAILY_MOST + 5):
            await boss.ok("booking.remove" if turn % 2 == 0 else "booking.add",
                          {**place, "reason": "again"} if turn % 2 == 0 else place)
            await flush_outbox(server)
        await flush_outbox(server)

        def to_rita() -> list[Any]:
            return [m for rcpt, m in inbox.messages if rcpt == ["rita@example.com"]]

        async def held_notices() -> list[dict[str, Any]]:
            return [n for n in (await boss.ok("notification.query", {}))["notifications"]
                    if n["title"] == "Emails to a client held back"]

        assert len(to_rita()) == DAILY_MOST
        listed = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
        assert TOO_MANY in {m["detail"] for m in listed}
        # the office hears, once, so that the desk calls her
        held = await held_notices()
        assert len(held) == 1 and held[0]["links"] == {"client": rita["id"]} and held[0]["priority"] == "high"
        assert held[0]["message"].startswith(f"Rita was sent {DAILY_MOST} emails in the last 24 hours")
        assert "Call them" in held[0]["message"]
        # the server restarted, or another instance of a studio group holds her emails back now:
        # the office was told today already, and is not told again
        server.server.clients.outbox._told_held.clear()
        for request in ("booking.add", "booking.remove"):  # she was last taken off
            await boss.ok(request, {**place, "reason": "again"} if request == "booking.remove" else place)
            await flush_outbox(server)
        await flush_outbox(server)
        assert len(to_rita()) == DAILY_MOST and len(await held_notices()) == 1
        await _booked_ahead(boss, "Bea", "bea@example.com")
        await flush_outbox(server)
        await until(lambda: any(rcpt == ["bea@example.com"] for rcpt, _ in inbox.messages),
                    what="Bea's confirmation, Rita's share spent")
