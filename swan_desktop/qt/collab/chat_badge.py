"""A badge on the Collaboration tab: unread chat messages, and how many mention me.

Messages by others that arrive while the tab is not shown are unread; showing
the tab reads them. The title reads "Collaboration (3)" or "Collaboration (3 · 1 @you)".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from ...core.collab.chat import ChatStore

TITLE = "Collaboration"
READABLE = ("chat", "announcement")


class ChatBadge(QObject):
    """Signals: ``changed(unread, mentions)``."""

    changed = Signal(int, int)

    def __init__(self, tabs: QTabWidget, page: QWidget, chat: ChatStore, me: Callable[[], int | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tabs, self.page, self.chat, self.me = tabs, page, chat, me
        self._seen: set[int] = {m.id for room in chat.rooms() for m in chat.messages(room)}
        self.unread = self.mentions = 0
        tabs.currentChanged.connect(lambda _i: self.refresh())

    def _showing(self) -> bool:
        return self.tabs.currentWidget() is self.page and self.page.isVisible()

    def refresh(self) -> None:
        me = self.me()
        messages = [m for room in self.chat.rooms() for m in self.chat.messages(room)]
        if self._showing():
            self._seen.update(m.id for m in messages)
        fresh = [m for m in messages if m.id not in self._seen and m.author_id != me
                 and m.kind in READABLE and not m.deleted]
        unread, mentions = len(fresh), sum(1 for m in fresh if me is not None and me in m.mentions)
        if (unread, mentions) == (self.unread, self.mentions):
            return
        self.unread, self.mentions = unread, mentions
        index = self.tabs.indexOf(self.page)
        if index >= 0:
            self.tabs.setTabText(index, self.title())
            self.tabs.setTabToolTip(index, self.tooltip())
        self.changed.emit(unread, mentions)

    def title(self) -> str:
        if not self.unread:
            return TITLE
        if self.mentions:
            return f"{TITLE} ({self.unread} · {self.mentions} @you)"
        return f"{TITLE} ({self.unread})"

    def tooltip(self) -> str:
        if not self.unread:
            return "Chat and activity"
        mention = f", {self.mentions} mentioning you" if self.mentions else ""
        return f"{self.unread} unread chat message{'s' if self.unread != 1 else ''}{mention}"
