"""Email to a real SMTP server (aiosmtpd, started by the test): opt-in, minimum priority, digest, outages."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from swan_desktop.server.notifications import SmtpConfig, records, smtp
from swan_desktop.server.notifier_api import Notice, Recipients
from tests.support.mail import (
    MAIL_PASSWORD,
    MAIL_USER,
    AnyPortController,
    Inbox,
    confirmed,
    confirmed_in_store,
    signing_smtp_server,
)
from tests.support.poll import until
from tests.support.server import on_server, session_data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtpd(tmp_path: Path) -> Iterator[tuple[Controller, Inbox, ssl.SSLContext]]:
    with signing_smtp_server(tmp_path / "pki") as running:
        yield running


async def test_opted_in_users_get_mail_over_starttls_with_credentials(server, clients, smtpd, caplog) -> None:
    controller, inbox, context = smtpd
    config = SmtpConfig("127.0.0.1", controller.port, "starttls", MAIL_USER, MAIL_PASSWORD,
                        "swan@studio.test", ssl_context=context)
    assert MAIL_PASSWORD not in repr(config)
    server.server.notifications.smtp_config = config
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    await confirmed(ana, inbox, {"email": "ana@studio.test", "email_opt_in": True, "min_priority": "normal"})
    await confirmed(boss, inbox, {"email": "boss@studio.test", "email_opt_in": False})
    s = (await boss.ok("session.create", session_data()))["session"]
    note = await ana.notification_created("Session booked")
    await on_server(server, server.server.notifications.idle)
    assert len(inbox.messages) == 1
    rcpt, msg = inbox.messages[0]
    assert rcpt == ["ana@studio.test"] and msg["From"] == "swan@studio.test"
    assert msg["Subject"] == "[Swan] Session booked"
    assert "Boss booked" in msg.get_payload() and "Priority: normal" in msg.get_payload()
    status = server.server.store.submit(records.deliveries, note["id"])
    assert [(d["channel"], d["status"], d["attempts"]) for d in status] == [("email", "sent", 1)]
    assert MAIL_PASSWORD not in caplog.text
    assert s["id"] == note["links"]["session"]


async def test_low_priority_waits_for_one_digest_email(server, clients, smtpd) -> None:
    controller, inbox, context = smtpd
    server.server.notifications.smtp_config = SmtpConfig(
        "127.0.0.1", controller.port, "starttls", MAIL_USER, MAIL_PASSWORD, ssl_context=context)
    ana = await clients.signed_in("ana")
    me = (await ana.ok("authenticate", {"username": "ana", "password": "ana-secret"}))["user"]["id"]
    await confirmed(ana, inbox, {"email": "ana@studio.test", "email_opt_in": True})
    to_ana = Recipients(user_ids=frozenset({me}))
    for title in ("Tip one", "Tip two", "Tip three"):
        notice = Notice(title, f"{title} text", category="content", priority="low")
        await on_server(server, partial(server.server.notifier.notify, to_ana, notice))
    await on_server(server, server.server.notifications.idle)
    assert inbox.messages == []
    assert await on_server(server, server.server.notifications.flush_digests) == 1
    rcpt, msg = inbox.messages[0]
    assert rcpt == ["ana@studio.test"] and msg["Subject"] == "[Swan] Digest: 3 notifications"
    body = msg.get_payload()
    assert all(t in body for t in ("Tip one", "Tip two", "Tip three"))
    assert await on_server(server, server.server.notifications.flush_digests) == 0


async def test_an_smtp_outage_is_retried_recorded_and_never_loses_the_notification(server, clients) -> None:
    port = free_port()
    server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", port, "none", timeout=2,
                                                         retry_delays=(0.3, 0.3))
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    me = (await ana.ok("authenticate", {"username": "ana", "password": "ana-secret"}))["user"]["id"]
    server.server.store.submit(confirmed_in_store, me, "ana@studio.test", min_priority="low")
    await boss.ok("session.create", session_data())
    note = await ana.notification_created("Session booked")
    await on_server(server, server.server.notifications.idle)
    status = server.server.store.submit(records.deliveries, note["id"])
    assert [(d["status"], d["attempts"]) for d in status] == [("failed", 3)]
    assert "ConnectionRefusedError" in status[0]["detail"]
    assert [n["id"] for n in (await ana.ok("notification.query", {}))["notifications"]] == [note["id"]]


async def test_mail_that_failed_once_is_sent_when_the_server_comes_back(server, clients) -> None:
    inbox = Inbox()
    port = free_port()
    server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", port, "none", timeout=2,
                                                         retry_delays=(1.0, 1.0))
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    me = (await ana.ok("authenticate", {"username": "ana", "password": "ana-secret"}))["user"]["id"]
    server.server.store.submit(confirmed_in_store, me, "ana@studio.test", min_priority="low")
    await boss.ok("session.create", session_data())
    note = await ana.notification_created("Session booked")

    def status() -> list[tuple[str, int]]:
        rows = server.server.store.submit(records.deliveries, note["id"])
        return [(d["status"], d["attempts"]) for d in rows]

    await until(lambda: status() == [("retrying", 1)])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await until(lambda: status() == [("sent", 2)])
        assert inbox.messages[0][0] == ["ana@studio.test"]
    finally:
        controller.stop()


class EnvelopeInbox(Inbox):
    """Keeps the MAIL FROM options too; ``offer_8bit=False`` plays a server without 8BITMIME."""

    def __init__(self, offer_8bit: bool = True) -> None:
        super().__init__()
        self.offer_8bit = offer_8bit
        self.options: list[list[str]] = []
        self.raw: list[bytes] = []

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        session.host_name = hostname
        return [r for r in responses if self.offer_8bit or "8BITMIME" not in r]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.options.append([o for o in envelope.mail_options if not o.startswith("SIZE=")])
        self.raw.append(envelope.original_content or envelope.content)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("offer_8bit", [True, False])
async def test_mail_has_date_and_message_id_and_sends_8bit_only_when_offered(offer_8bit: bool) -> None:
    from email.policy import default
    from email.utils import parsedate_to_datetime

    from swan_desktop.server.notifications.smtp import build_message, send_sync

    inbox = EnvelopeInbox(offer_8bit)
    controller = AnyPortController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        config = SmtpConfig("127.0.0.1", controller.port, "none", sender="swan@studio.test")
        text = "Sessão com Conceição às 09:30 — até já"
        for body in (text, "Plain ASCII reminder"):
            await asyncio.to_thread(send_sync, config, build_message(config.sender, "ana@studio.test",
                                                                     "[Swan] Lembrete", body))
    finally:
        controller.stop()
    eight, plain = inbox.raw
    assert inbox.options[1] == []  # nothing 8-bit: no BODY parameter
    if offer_8bit:
        assert inbox.options[0] == ["BODY=8BITMIME"] and text.encode() in eight
    else:
        assert inbox.options[0] == [] and max(eight) < 128  # re-encoded as 7-bit quoted-printable
    ids = set()
    for raw in (eight, plain):
        msg = message_from_bytes(raw, policy=default)
        assert parsedate_to_datetime(msg["Date"]).tzinfo is not None
        assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@studio.test>")
        ids.add(msg["Message-ID"])
    assert len(ids) == 2 and message_from_bytes(eight, policy=default).get_content().strip() == text


class Greylisting:
    """Answers "try later" (451) to an address's first RCPT and takes it after; refuses (550) the
    addresses in ``unknown`` every time."""

    def __init__(self, unknown: set[str]) -> None:
        self.unknown = unknown
        self.seen: list[str] = []
        self.inbox = Inbox()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        self.seen.append(address)
        if address in self.unknown:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        if self.seen.count(address) == 1:
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return await self.inbox.handle_DATA(server, session, envelope)


async def test_a_try_later_answer_is_tried_again_and_a_refusal_is_not() -> None:
    """A 4xx answer is the mail server's "not now": tried again after the delays. A 5xx one is
    its "no": recorded as failed at once, in words, not asked again for a minute and more."""
    greylist = Greylisting({"gone@studio.test"})
    controller = AnyPortController(greylist, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        config = SmtpConfig("127.0.0.1", controller.port, "none", retry_delays=(0.05, 0.05))
        for to in ("ana@studio.test", "gone@studio.test"):
            recorded: list[tuple[str, int, str]] = []

            async def record(status: str, attempts: int, detail: str) -> None:
                recorded.append((status, attempts, detail))  # noqa: B023 - awaited in this turn

            msg = smtp.build_message("desk@studio.test", to, "Hello", "Hello")
            sent = await smtp.send_with_retries(config, msg, record)
            if to == "ana@studio.test":
                assert sent and [(s, a) for s, a, _ in recorded] == [("retrying", 1), ("sent", 2)]
                assert recorded[0][2] == ("the mail server asked to try the address later: 451 4.7.1 "
                                          "greylisted, try again later (SMTPRecipientsRefused)")
            else:
                assert not sent and [(s, a) for s, a, _ in recorded] == [("failed", 1)]
                assert recorded[0][2] == ("the mail server refused the address: 550 5.1.1 "
                                          "<gone@studio.test>: no such mailbox here (SMTPRecipientsRefused)")
        assert greylist.seen == ["ana@studio.test", "ana@studio.test", "gone@studio.test"]
        assert [rcpt for rcpt, _ in greylist.inbox.messages] == [["ana@studio.test"]]
    finally:
        controller.stop()
