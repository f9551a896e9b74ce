"""Phone calendar feeds through the Schedule menu's dialog against the real server: an admin
creates a feed whose shown address serves that trainer's sessions as iCalendar, revoking it
makes the same address 404; a trainer sees and creates only their own trainer's feeds."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
from PySide6.QtGui import QGuiApplication

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Role
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.qt.dialogs.feed_dialog import FeedDialog
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support.qt import next_emission
from tests.support.server import FAST_HASHER

from .support import window_with_menu


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


async def open_dialog(qtbot, client: StudioClient) -> FeedDialog:
    _window, _pane, menu = await window_with_menu(qtbot, client)
    menu.feeds_action.trigger()
    dialog = menu.feeds_dialog
    assert dialog is not None and dialog.isVisible()
    await next_emission(dialog.loaded, timeout=5)
    return dialog


async def test_an_admin_creates_a_feed_whose_address_serves_the_trainers_sessions_until_revoked(
        qtbot, sign_in, server: EmbeddedServer) -> None:
    boss: StudioClient = await sign_in("boss")
    soon = datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0) + timedelta(days=10)
    mine = await boss.create_session({"start": format_ts(soon), "end": format_ts(soon + timedelta(hours=1)),
                                      "trainer_id": 2, "client_name": "Feed check"}, allow_overlap=True)
    dialog = await open_dialog(qtbot, boss)
    assert dialog.trainer_combo.isEnabled() and dialog.trainer_combo.count() >= 2  # an admin chooses
    dialog.trainer_combo.setCurrentIndex(dialog.trainer_combo.findData(2))
    created = next_emission(dialog.created, timeout=5)
    dialog.create_button.click()
    (made,) = await created
    url = dialog.shown_url()
    assert url is not None and url == made.url
    assert url.startswith(server.url.replace("ws://", "http://").rstrip("/") + "/ics/")
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == url
    assert [f.trainer_id for f in dialog.feeds()] == [2]

    status, body = await asyncio.to_thread(_get, url)
    assert status == 200
    uids = {str(ev["uid"]) for ev in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert f"session-{mine.id}@swan-desktop" in uids
    others = server.server.store.submit(Store.sessions_overlapping, soon - timedelta(days=30),
                                        soon + timedelta(days=30), 1)
    assert others and not {f"session-{s.id}@swan-desktop" for s in others} & uids

    first = dialog.table.topLevelItem(0)
    assert first is not None
    first.setSelected(True)
    assert dialog.revoke_button.isEnabled()
    dialog.revoke_button.click()
    box = dialog.confirm_box
    assert box is not None and box.isVisible()
    assert (await asyncio.to_thread(_get, url))[0] == 200  # nothing is revoked before the answer
    revoked = next_emission(dialog.revoked, timeout=5)
    next(b for b in box.buttons() if b.text() == "Revoke").click()
    assert (await revoked) == (made.feed.id,)
    assert await asyncio.to_thread(_get, url) == (404, b"not found\n")
    assert dialog.shown_url() is None  # the dead address is no longer offered
    assert not dialog.feeds()[0].active and not dialog.revoke_button.isEnabled()


async def test_a_trainer_sees_and_creates_only_their_own_trainers_feeds(
        qtbot, sign_in, server: EmbeddedServer, tmp_path: Path) -> None:
    boss: StudioClient = await sign_in("boss")
    await boss.link.request("feed.create", {"trainer_id": 1})  # someone else's feed
    # The demo users have no trainer link: a trainer's account linked to trainer 2, made in the store.
    server.server.store.submit(Store.upsert_user, "tess", "Tess", Role.TRAINER,
                               FAST_HASHER.hash("tess-secret"), 2)
    tess = StudioClient(server.url, outbox_dir=tmp_path / "pc-tess")
    await tess.sign_in({"username": "tess", "password": "tess-secret"})
    try:
        dialog = await open_dialog(qtbot, tess)
        assert dialog.feeds() == []  # trainer 1's feed is not shown
        assert not dialog.trainer_combo.isEnabled()
        assert [dialog.trainer_combo.itemData(i) for i in range(dialog.trainer_combo.count())] == [2]
        created = next_emission(dialog.created, timeout=5)
        dialog.create_button.click()
        (made,) = await created
        assert made.feed.trainer_id == 2
        assert [f.trainer_id for f in dialog.feeds()] == [2]
        assert (await asyncio.to_thread(_get, made.url))[0] == 200
    finally:
        await tess.close()


async def test_a_trainer_account_without_a_trainer_link_is_told_there_is_nothing_to_create(
        qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    dialog = await open_dialog(qtbot, ana)
    assert dialog.trainer_combo.count() == 0 and not dialog.create_button.isEnabled()
    assert dialog.no_trainer_label.isVisibleTo(dialog)
