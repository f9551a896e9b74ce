"""Notices are emailed only to an address its owner confirmed with the code emailed to it; staff
notices go through the studio's mail server set from a desktop. A real mail server (aiosmtpd)
receives everything; the codes are read from what it received."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from swan_desktop.protocol.timefmt import now_utc
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.notifications import SmtpConfig, prefs, smtp
from tests.support.mail import Inbox, code_in, confirmed, smtp_server
from tests.support.poll import until
from tests.support.server import Clients, WsClient, on_server, session_data


@pytest.fixture
def mail(server: EmbeddedServer) -> Iterator[tuple[Controller, Inbox]]:
    """The server's own mail settings point at a real mail server on loopback."""
    with smtp_server() as (controller, inbox):
        server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", controller.port, "none",
                                                             sender="swan@studio.test")
        yield controller, inbox


def to(inbox: Inbox, address: str) -> list[str]:
    """Subjects of what ``address`` received."""
    return [str(msg["Subject"]) for rcpt, msg in inbox.messages if rcpt == [address]]


async def booked(server: EmbeddedServer, boss: WsClient, ana: WsClient) -> None:
    """A session booked for ana's trainer: a "Session booked" notice to ana; its emails sent."""
    await boss.ok("session.create", session_data())
    await ana.notification_created("Session booked")
    await on_server(server, server.server.notifications.idle)


async def test_staff_notices_go_through_the_studios_mail_server_set_from_a_desktop(
        server: EmbeddedServer, clients: Clients) -> None:
    """No ``--smtp-*`` on the server: the studio's mail server, as an admin set it for emails to
    clients, carries the code and the notices too (before, staff notices needed the server's)."""
    assert server.server.notifications.smtp_config is None
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    with smtp_server() as (controller, inbox):
        await boss.ok("reminder.settings", {"smtp": {"host": "127.0.0.1", "port": controller.port,
                                                     "security": "none", "from": "desk@studio.test"}})
        now = await confirmed(ana, inbox, {"email": "ana@studio.test", "email_opt_in": True,
                                           "min_priority": "normal"})
        assert now["email"] == "ana@studio.test" and now["pending_email"] == ""
        await booked(server, boss, ana)
        assert to(inbox, "ana@studio.test") == ["[Swan] Session booked"]
        assert inbox.messages[0][1]["From"] == "desk@studio.test"


async def test_attack_an_address_that_is_not_confirmed_receives_no_notices(
        server: EmbeddedServer, clients: Clients, mail: tuple[Controller, Inbox]) -> None:
    """A trainer pointing their notices at an address that is not theirs (or a typo) sent the
    studio's notices there. Now that address gets one code, and the notices stay with the address
    confirmed before."""
    _, inbox = mail
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    await confirmed(ana, inbox, {"email": "ana@studio.test", "email_opt_in": True, "min_priority": "normal"})
    reply = await ana.ok("notification.prefs.set", {"email": "someone@elsewhere.test"})
    assert reply["prefs"]["email"] == "ana@studio.test"
    assert reply["prefs"]["pending_email"] == "someone@elsewhere.test"
    assert reply["confirmation"] == {"to": "someone@elsewhere.test", "sent": True, "detail": ""}
    await booked(server, boss, ana)
    assert to(inbox, "someone@elsewhere.test") == ["[Swan] Your confirmation code"], "the code only"
    assert to(inbox, "ana@studio.test") == ["[Swan] Session booked"], "notices stay where they were"
    body = inbox.messages[0][1].get_payload()
    assert "Ana's Swan notifications" in body and "ignore this email" in body
    again = await ana.ok("notification.prefs.set", {"email": "Someone@elsewhere.test", "digest": False})
    assert "confirmation" not in again, "the waiting address given again keeps its code"


async def test_attack_guessing_a_code_voids_it_after_five_wrong_tries(
        clients: Clients, mail: tuple[Controller, Inbox]) -> None:
    _, inbox = mail
    vic = await clients.signed_in("vic")  # any role confirms its own address
    await vic.ok("notification.prefs.set", {"email": "vic@studio.test", "email_opt_in": True})
    code = code_in(inbox, "vic@studio.test")
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for left in range(prefs.CODE_TRIES - 1, -1, -1):
        error = await vic.error("notification.email.confirm", {"code": wrong})
        assert (error["code"], error["data"]["tries_left"]) == ("invalid", left)
    void = await vic.error("notification.email.confirm", {"code": code})
    assert void["data"]["reason"] == "code-void" and "ask for a new one" in void["message"]
    assert (await vic.ok("notification.prefs.get"))["prefs"]["email"] == "", "nothing confirmed"
    assert (await vic.ok("notification.email.resend"))["confirmation"]["sent"]
    fresh = code_in(inbox, "vic@studio.test")
    now = (await vic.ok("notification.email.confirm", {"code": fresh}))["prefs"]
    assert now["email"] == "vic@studio.test"


async def test_attack_codes_cannot_be_sent_in_a_loop_to_flood_an_inbox(
        clients: Clients, mail: tuple[Controller, Inbox]) -> None:
    """Each new address costs the studio's mail server an email: an account changing its address
    in a loop could bury someone's inbox in codes from the studio. Five a day, then refused."""
    _, inbox = mail
    ana = await clients.signed_in("ana")
    for n in range(prefs.CODES_PER_DAY):
        await ana.ok("notification.prefs.set", {"email": f"target+{n}@elsewhere.test"})
    refused = await ana.error("notification.prefs.set", {"email": "target@elsewhere.test", "digest": False})
    assert refused["code"] == "rate_limited" and 23 * 3600 < refused["data"]["retry_after_s"] <= 24 * 3600
    assert (await ana.error("notification.email.resend"))["code"] == "rate_limited"
    assert len(inbox.messages) == prefs.CODES_PER_DAY
    kept = (await ana.ok("notification.prefs.get"))["prefs"]
    assert kept["pending_email"] == "target+4@elsewhere.test" and kept["digest"] is True, "nothing changed"


async def test_a_code_holds_for_an_hour(server: EmbeddedServer, clients: Clients,
                                        mail: tuple[Controller, Inbox]) -> None:
    _, inbox = mail
    ana = await clients.signed_in("ana")
    await ana.ok("notification.prefs.set", {"email": "ana@studio.test"})
    code = code_in(inbox, "ana@studio.test")
    server.server.notifications.clock = lambda: now_utc() + prefs.CODE_TTL + timedelta(seconds=1)
    assert (await ana.error("notification.email.confirm", {"code": code}))["data"]["reason"] == "code-void"
    renewed = await ana.ok("notification.prefs.set", {"email": "ana@studio.test"})
    assert renewed["confirmation"]["sent"], "the waiting address given again after its code lapsed: a new one"
    assert (await ana.ok("notification.email.confirm", {"code": code_in(inbox, "ana@studio.test")}))


async def test_clearing_the_address_or_going_back_to_the_confirmed_one_drops_the_waiting_one(
        clients: Clients, mail: tuple[Controller, Inbox]) -> None:
    _, inbox = mail
    ana = await clients.signed_in("ana")
    await confirmed(ana, inbox, {"email": "ana@studio.test", "email_opt_in": True})
    await ana.ok("notification.prefs.set", {"email": "new@studio.test"})
    back = await ana.ok("notification.prefs.set", {"email": "ANA@studio.test"})
    assert back["prefs"]["pending_email"] == "" and "confirmation" not in back
    assert (await ana.error("notification.email.confirm", {"code": code_in(inbox, "new@studio.test")})
            )["message"] == "no address is waiting to be confirmed"
    cleared = (await ana.ok("notification.prefs.set", {"email": ""}))["prefs"]
    assert (cleared["email"], cleared["pending_email"]) == ("", "")


async def test_attack_a_mail_server_that_never_answers_holds_up_the_request_only_briefly(
        server: EmbeddedServer, clients: Clients, monkeypatch) -> None:
    """A connection answers its requests one at a time, so a request that waited on a silent
    mail server kept that desktop's heartbeat unanswered until the link was given up. The code's
    request now answers after SEND_NOW_S (8 s; half a second here) that it is still on its way."""
    monkeypatch.setattr(smtp, "SEND_NOW_S", 0.5)
    held: list[asyncio.StreamWriter] = []

    async def never_greet(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # accepted, and nothing said

    silent = await asyncio.start_server(never_greet, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", port, "none", timeout=30)
    ana = await clients.signed_in("ana")
    try:
        reply = await ana.ok("notification.prefs.set", {"email": "ana@studio.test"})
        assert reply["confirmation"]["sent"] is False
        assert "had not answered after 0.5 s" in reply["confirmation"]["detail"]
        assert reply["prefs"]["pending_email"] == "ana@studio.test", "saved all the same"
        beat = await ana.ok("heartbeat", {"client_time": now_utc().strftime("%Y-%m-%dT%H:%M:%SZ")})
        assert "server_time" in beat, "the connection answers again"
    finally:
        await until(lambda: bool(held), what="the send's connection reached the mail server")
        for writer in held:
            writer.close()  # the attempt still in its thread ends now
        silent.close()


async def test_a_new_studio_mail_server_carries_the_next_email_at_once(
        server: EmbeddedServer, clients: Clients) -> None:
    """The studio's mail settings are read once and kept (every notice asks for them); an admin's
    change of them drops what was kept, so the very next email takes the new server."""
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    with smtp_server() as (first, first_inbox), smtp_server() as (second, second_inbox):
        for controller in (first, second):
            await boss.ok("reminder.settings", {"smtp": {"host": "127.0.0.1", "port": controller.port,
                                                         "security": "none"}})
            sent = await ana.ok("notification.prefs.set", {"email": f"ana{controller.port}@studio.test"})
            assert sent["confirmation"]["sent"], sent
        assert to(first_inbox, f"ana{first.port}@studio.test") == ["[Swan] Your confirmation code"]
        assert to(second_inbox, f"ana{second.port}@studio.test") == ["[Swan] Your confirmation code"]
        assert len(first_inbox.messages) == len(second_inbox.messages) == 1
