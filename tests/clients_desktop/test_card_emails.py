"""The emails on a client's card, against the real server and a real mail server that refuses the
client's address: the card says the email failed and why, in the mail server's words, so the
office knows to check the address."""

from __future__ import annotations

import pytest

from tests.support.desktops import SignIn
from tests.support.mail import refusing_smtp_server
from tests.support.poll import until, until_answered

from .card_page import card_of
from .cells import cell
from .live_studio import at_ten, session_fields, set_up

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")


async def test_the_card_says_why_an_email_to_the_client_failed(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    ids = await set_up(boss)
    with refusing_smtp_server() as mail:
        await boss.clients.reminder_settings(smtp={"host": "127.0.0.1", "port": mail.port, "security": "none",
                                                   "user": "", "from": "desk@studio.test"})
        anna = await boss.clients.create({"name": "Anna Berg", "email": "anna@exmaple.org",
                                          "consent": {"reminders": True}})
        await boss.create_session(session_fields(ids, at_ten(3), "pt", anna.id))

        async def failed() -> bool:
            card = await boss.clients.get(anna.id)
            return any(m.kind == "confirmation" and m.status == "failed" for m in card.messages)

        await until_answered(failed, what="the confirmation refused by the mail server")

    page = await card_of(qtbot, boss, "anna", anna.id)
    table = page.card.emails
    await until(lambda: cell(table, 0, 1) != "", what="the emails listed")
    rows = [[cell(table, r, c) for c in range(table.columnCount())] for r in range(table.rowCount())]
    confirmation = next(r for r in rows if r[1] == "Confirmation")
    assert confirmation[2] == "failed"
    assert confirmation[5].startswith("the mail server refused the address: 550 5.1.1 <anna@exmaple.org>: "
                                      "no such mailbox here"), confirmation
    reminder = next(r for r in rows if r[1] == "Reminder")
    assert reminder[2] == "pending" and reminder[5] == "", "nothing to explain yet"
    page.stop()
