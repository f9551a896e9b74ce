"""Chat as the desk uses it: the @ completion always opens, @words that name nobody are
warned about, mentions stand out, and the Collaboration tab counts what is unread."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Role, User
from swan_desktop.qt.collab.chat_delegate import row_html
from swan_desktop.qt.collab.mentions import handle, people, unknown
from swan_desktop.qt.main_window import MainWindow
from tests.support.poll import until
from tests.support.sample import make_directory

from .support import collab_desktop

POPUP_NOISE = r"This plugin does not support (raise\(\)|grabbing the keyboard|propagateSizeHints)"


def test_full_names_are_offered_and_first_names_typed() -> None:
    d = make_directory()
    d.users[8] = User(8, "Jonah Brooks", Role.TRAINER)
    assert people(d, me=7) == ["Jonah Brooks"]
    assert handle("Jonah Brooks") == "Jonah"
    assert unknown("@Jonah and @rosa, ask @Zed", d) == ["Zed"]


def test_mentions_are_marked_in_the_message() -> None:
    from swan_desktop.core.collab.chat import ChatMessage

    msg = ChatMessage.from_wire({"id": 1, "room": "studio", "kind": "chat",
                                 "author": {"id": 2, "name": "Ana"},
                                 "text": "@Vic the 9:00 <is> yours", "mentions": [3],
                                 "created_at": "2031-03-03T10:00:00Z"})
    html = row_html("Ana · 10:00\n@Vic the 9:00 <is> yours", msg, "#1a5fb4")
    assert '<b style="color:#1a5fb4">@Vic</b> the 9:00 &lt;is&gt; yours' in html


@pytest.mark.qt_log_ignore(POPUP_NOISE)
async def test_the_completion_opens_on_a_bare_at_and_a_stranger_is_warned_about(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    _pane, collab = await collab_desktop(qtbot, ana)
    chat = collab.panel.chat
    window = chat.window()
    assert isinstance(window, MainWindow)
    window.show()
    window.tabs.setCurrentWidget(collab.panel)
    chat.input.setFocus()
    qtbot.keyClicks(chat.input, "Hi @")
    popup = chat.completer.popup()
    assert popup is not None and popup.isVisible()
    names = [chat.completer.model().index(i, 0).data() for i in range(chat.completer.model().rowCount())]
    assert "Ana" not in names and {"Boss", "Vic"} <= set(names)  # everyone but Ana herself
    qtbot.keyClick(chat.input, Qt.Key.Key_Escape)
    qtbot.keyClicks(chat.input, "Zed can you")
    assert chat.mention_warning.isVisible() and "@Zed" in chat.mention_warning.text()
    chat.input.setText("Hi @Vic can you")
    assert not chat.mention_warning.isVisible()


async def test_the_collaboration_tab_counts_unread_chat_and_mentions(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    pane, collab = await collab_desktop(qtbot, ana)
    window = pane.window()
    assert isinstance(window, MainWindow)
    window.show()
    badge = collab.badge
    assert badge is not None
    index = window.tabs.indexOf(collab.panel)
    assert window.tabs.tabText(index) == "Collaboration"
    boss: StudioClient = await sign_in("boss")
    await boss.collab.send("studio", "Room B is free at 3")
    await boss.collab.send("studio", "@Ana can you take the 4pm?")
    await until(lambda: badge.unread == 2)
    assert window.tabs.tabText(index) == "Collaboration (2 · 1 @you)"
    window.tabs.setCurrentIndex(index)
    assert window.tabs.tabText(index) == "Collaboration"
