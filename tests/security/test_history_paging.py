"""A chat room or activity feed larger than a frame (1 MiB) reaches the desktop in pages: the newest
at sign-in, earlier ones as the user scrolls back, until the very first — never all at once (a
reply that size would be refused by the desktop, or cost the server far more than the request)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.frames import MAX_FRAME_BYTES
from swan_desktop.qt.collab.activity_panel import ActivityPanel
from swan_desktop.qt.collab.chat_panel import ChatPanel
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.poll import until
from tests.support.server import signed_in_client

from .desktop_support import LONG, fill_activity, fill_chat

#: Messages (and entries) of ~16 KB: 100 are ~1.6 MB, past one frame.
COUNT = 100


async def test_a_fresh_desktop_sees_the_newest_messages_and_pages_back_to_the_very_first(
        server: EmbeddedServer, tmp_path: Path) -> None:
    ids = fill_chat(server, COUNT)
    entries = fill_activity(server, COUNT)
    assert COUNT * len(LONG.encode()) > MAX_FRAME_BYTES
    vic = await signed_in_client(server.url, "vic", tmp_path / "pc")
    try:
        chat, feed = vic.collab.chat, vic.collab.activity
        held = [m.id for m in chat.messages("studio")]
        assert held[-1] == ids[-1] and ids[0] not in held  # the newest page only
        assert chat.has_more("studio")
        while await vic.collab.load_earlier("studio"):
            pass
        assert [m.id for m in chat.messages("studio")][-COUNT:] == ids
        assert chat.messages("studio")[-COUNT].text.startswith("#0 ") and not chat.has_more("studio")

        newest = [e.id for e in feed.entries()]
        assert newest[0] == entries[-1] and entries[0] not in newest and feed.more
        while await vic.collab.load_earlier_activity():
            pass
        assert [e.id for e in feed.entries()][:COUNT] == entries[::-1]
        assert not feed.more
    finally:
        await vic.close()


async def _shown_panel(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.resize(520, 360)  # shorter than a page of rows, so it scrolls
    widget.show()
    await until(widget.isVisible, what="the panel to be shown")


async def test_scrolling_to_the_top_of_the_chat_loads_earlier_messages_keeping_the_place(
        qtbot, server: EmbeddedServer, tmp_path: Path) -> None:
    ids = fill_chat(server, COUNT)
    vic: StudioClient = await signed_in_client(server.url, "vic", tmp_path / "pc")
    try:
        panel = ChatPanel(vic.collab, lambda: vic.store.directory)
        await _shown_panel(qtbot, panel)
        bar = panel.view.verticalScrollBar()
        first_page = panel.model.rowCount()
        assert 0 < first_page < COUNT and panel.earlier_button.isVisible()
        assert panel.model.message(first_page - 1).id == ids[-1]  # type: ignore[union-attr]
        await until(lambda: bar.value() == bar.maximum() > 0, what="the newest message in view")

        pages = 0
        while panel.collab.chat.has_more("studio"):
            rows, top = panel.model.rowCount(), panel.model.message(0)  # at the top once scrolled there
            assert top is not None
            bar.setValue(bar.minimum())  # the user scrolls to the top
            await until(lambda r=rows: panel.model.rowCount() > r, what="an earlier page")  # type: ignore[misc]
            await until(lambda: not panel._loading_earlier, what="the page to settle")
            assert panel.top_message() == top  # still reading the same message
            assert bar.value() > bar.minimum()  # and not at the top, so no page is loaded unasked
            pages += 1
        assert pages >= 2
        assert panel.model.rowCount() == COUNT and panel.model.message(0).id == ids[0]  # type: ignore[union-attr]
        assert not panel.earlier_button.isVisible()
    finally:
        await vic.close()


async def test_scrolling_to_the_end_of_the_activity_feed_loads_earlier_changes(
        qtbot, server: EmbeddedServer, tmp_path: Path) -> None:
    entries = fill_activity(server, COUNT)
    vic: StudioClient = await signed_in_client(server.url, "vic", tmp_path / "pc")
    try:
        feed = vic.collab.activity
        panel = ActivityPanel(feed, lambda: vic.store.directory, lambda _sid: None,
                              load_earlier=vic.collab.load_earlier_activity)
        await _shown_panel(qtbot, panel)
        bar = panel.view.verticalScrollBar()
        assert panel.earlier_button.isVisible() and panel.model.rowCount() < COUNT
        while feed.more:
            rows = panel.model.rowCount()
            await until(lambda: bar.maximum() > 0, what="the feed to be taller than its view")
            bar.setValue(bar.maximum())  # the user scrolls to the oldest change shown
            reading = bar.value()
            await until(lambda r=rows: panel.model.rowCount() > r, what="an earlier page")  # type: ignore[misc]
            await until(lambda: not panel._loading_earlier, what="the page to settle")
            assert bar.value() == reading < bar.maximum()  # the rows read stay put; the new ones below
        assert panel.model.entry(panel.model.rowCount() - 1).id == entries[0]  # type: ignore[union-attr]
        assert not panel.earlier_button.isVisible()
    finally:
        await vic.close()
