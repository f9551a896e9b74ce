"""Erasing a client from the card, against the real server: only once archived, confirmed by
typing the name; the card shows the emptied record and no longer edits it, and another PC's
schedule names the client's sessions "Erased client #ID" at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from tests.admin_desktop.opened import opened
from tests.support.desktops import SignIn
from tests.support.poll import until

from .card_page import card_of
from .live_studio import at_ten, session_fields, set_up

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")


async def test_an_admin_erases_an_archived_client_and_every_pc_forgets_the_name(
        qtbot, on_server: SignIn) -> None:
    boss, front_desk = await on_server("boss"), await on_server("vic")
    ids = await set_up(boss)
    anna = await boss.clients.create({"name": "Anna Berg", "email": "anna@example.org", "phone": "+351 91"})
    session = await boss.create_session(session_fields(ids, at_ten(-3), "pt", anna.id))
    await front_desk.load_range(at_ten(-5), at_ten(5))
    await until(lambda: (s := front_desk.store.get(session.id)) is not None and s.client_name == "Anna Berg",
                what="the session on the other PC")

    page = await card_of(qtbot, boss, "anna", anna.id)
    assert page.card.erase_button.isVisible() and not page.card.erase_button.isEnabled(), \
        "only an archived client is erased"

    qtbot.mouseClick(page.card.archive_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.card.erase_button.isEnabled(), what="archived: erasing offered")
    qtbot.mouseClick(page.card.erase_button, Qt.MouseButton.LeftButton)
    ask = opened(page.dialog)
    assert "Anna Berg" in ask.labelText() and "cannot be undone" in ask.labelText()
    ask.setTextValue("Anna")  # not the name as it is: refused, nothing erased
    ask.accept()
    await until(lambda: page.card.error.isVisible(), what="the refusal said")
    assert (await boss.clients.get(anna.id)).client.email == "anna@example.org"

    qtbot.mouseClick(page.card.erase_button, Qt.MouseButton.LeftButton)
    ask = opened(page.dialog)
    ask.setTextValue("Anna Berg")
    ask.accept()
    erased = f"Erased client #{anna.id}"
    await until(lambda: page.card.title.text().startswith(erased), what="the card emptied")
    assert page.card.email.text() == "" and page.card.phone.text() == ""
    assert not page.card.save_button.isEnabled() and not page.card.erase_button.isEnabled()
    await until(lambda: (s := front_desk.store.get(session.id)) is not None and s.client_name == erased,
                what="the other PC's session renamed, by the event")
    fresh, _ = await front_desk.query_range(at_ten(-5), at_ten(-5) + timedelta(days=10))
    assert [s.client_name for s in fresh if s.id == session.id] == [erased], "and the server's"
    page.stop()
