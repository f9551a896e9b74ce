"""A studio group sends each email once, whichever instance gets to it first.

Two instances on one PostgreSQL database flush the same client-email outbox, and the same
notification digests, at the same time, through a real SMTP server (aiosmtpd): each row is
claimed (``sending``) in a write transaction before it is sent, so one instance sends it
and the other never sees it due. Needs the throwaway cluster of ``.ci/pg-cluster``
(``SWAN_TEST_PG_URL``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.notifications import SmtpConfig
from swan_desktop.server.notifier_api import Notice, Recipients
from tests.support import pg
from tests.support.mail import Inbox, confirmed
from tests.support.outbox import book_emailed_sessions, flush_outbox
from tests.support.poll import until
from tests.support.server import FAST_HASHER, Clients, add_users, on_server

pytestmark = pytest.mark.skipif(not pg.admin_url(), reason="no PostgreSQL cluster (SWAN_TEST_PG_URL)")


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[EmbeddedServer, EmbeddedServer]]:
    url = pg.database_for(tmp_path / "emails")
    first = EmbeddedServer(url, demo=True, hasher=FAST_HASHER)
    second = EmbeddedServer(url, hasher=FAST_HASHER)
    try:
        first.start()
        add_users(first)
        second.start()
        yield first, second
    finally:
        second.stop()
        first.stop()
        pg.drop_all()


def _mail_to(controller: Controller, *servers: EmbeddedServer) -> None:
    for server in servers:
        server.server.notifications.smtp_config = SmtpConfig(
            "127.0.0.1", controller.port, "none", sender="desk@studio.test", retry_delays=())


async def test_two_instances_flushing_together_send_each_client_email_once(
    pair: tuple[EmbeddedServer, EmbeddedServer], smtpd: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtpd
    first, second = pair
    pool = Clients(first)
    await book_emailed_sessions(pool)  # no mail server configured yet: the emails wait in the outbox
    await pool.close()
    _mail_to(controller, first, second)
    sent = await asyncio.gather(
        flush_outbox(first), flush_outbox(second), flush_outbox(second), flush_outbox(first))
    assert sum(sent) == 2, sent
    await until(lambda: len(inbox.messages) >= 2, what="the two emails")
    assert sorted(m["Subject"] for _, m in inbox.messages) == [
        "Swan Studios Lisboa: Booking confirmed",
        "Swan Studios Lisboa: Reminder",
    ]


async def test_two_instances_flushing_digests_together_send_one_digest(
    pair: tuple[EmbeddedServer, EmbeddedServer], smtpd: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtpd
    first, second = pair
    _mail_to(controller, first, second)
    pool = Clients(first)
    ana = await pool.signed_in("ana")
    me = (await ana.ok("authenticate", {"username": "ana", "password": "ana-secret"}))["user"]["id"]
    await confirmed(ana, inbox, {"email": "ana@studio.test", "email_opt_in": True})
    await pool.close()
    to_ana = Recipients(user_ids=frozenset({me}))
    for title in ("Tip one", "Tip two", "Tip three"):
        notice = Notice(title, f"{title} text", category="content", priority="low")
        await on_server(first, partial(first.server.notifier.notify, to_ana, notice))
    await on_server(first, first.server.notifications.idle)
    flushes = [on_server(s, s.server.notifications.flush_digests) for s in (first, second, second, first)]
    assert sum(await asyncio.gather(*flushes)) == 1
    [(rcpt, msg)] = inbox.messages
    assert rcpt == ["ana@studio.test"] and msg["Subject"] == "[Swan] Digest: 3 notifications"
