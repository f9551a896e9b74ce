"""Chat for the shown day and the whole studio: send, @mention with completion, react, edit, delete own.

A room shows its newest page; scrolling to the top (or "Show earlier messages") pages in the one
before, keeping the message that was at the top where it was, until the room's first message or
the most a room holds (``ChatStore.limit``)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QStringListModel, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.collab.chat import STUDIO, ChatMessage, day_room
from ...core.collab.client import CollabClient
from ...core.directory import Directory
from ...net.connection import ConnectionLost, RequestTimeout
from ...protocol.errors import ProtocolError
from ..style import ERROR_TEXT
from ..tasks import spawn
from .chat_delegate import ChatDelegate
from .earlier import EarlierRow
from .mentions import handle, people, unknown
from .models import ChatModel

#: Reactions offered (glyphs every installed font draws).
REACTIONS = ("✔", "♥", "★", "☺")
_MENTION_AT_CURSOR = re.compile(r"@([\w.\-]*)$")


class ChatPanel(QWidget):
    def __init__(self, collab: CollabClient, directory: Callable[[], Directory],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Chat")
        self.collab = collab
        self._directory = directory
        self._editing: int | None = None
        self._day: date | None = None
        self._loading_earlier = False
        self._shown = False
        self._restoring = False  # the view moves because the list changed, not because the user scrolled

        self.room_combo = QComboBox()
        self.room_combo.setAccessibleName("Chat room")
        self.room_combo.addItem("Studio-wide", STUDIO)
        self.model = ChatModel(collab.me.id if collab.me else None, self)
        self.view = QListView()
        self.view.setAccessibleName("Messages")
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setAlternatingRowColors(True)
        self.view.setItemDelegate(ChatDelegate(self.view))
        self.view.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.earlier = EarlierRow("messages", self.show_earlier)
        self.earlier_button = self.earlier.button
        self.reaction_buttons: dict[str, QToolButton] = {}
        actions = QHBoxLayout()
        actions.setSpacing(4)
        for emoji in REACTIONS:
            b = QToolButton()
            b.setText(emoji)
            b.setToolTip(f"React with {emoji} (again to take it back)")
            b.setAccessibleName(f"React {emoji}")
            b.clicked.connect(lambda _=False, e=emoji: self.toggle_reaction(e))
            actions.addWidget(b)
            self.reaction_buttons[emoji] = b
        actions.addStretch(1)
        self.edit_button = QPushButton("Edit")
        self.delete_button = QPushButton("Delete")
        self.edit_button.clicked.connect(self.start_edit)
        self.delete_button.clicked.connect(self.delete_selected)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)

        self.input = QLineEdit()
        self.input.setPlaceholderText("Message — type @ to mention someone")
        self.input.setAccessibleName("Message")
        self.send_button = QPushButton("Send")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.submit)
        self.input.returnPressed.connect(self.submit)
        self.names = QStringListModel(self)
        self.completer = QCompleter(self.names, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "@bro" finds Jonah Brooks too
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setWidget(self.input)
        self.completer.activated.connect(self.insert_mention)
        self.input.textEdited.connect(self._maybe_complete)
        self.input.textChanged.connect(self._check_mentions)
        self.mention_warning = QLabel()
        self.mention_warning.setObjectName("mentionWarning")
        self.mention_warning.setStyleSheet("color: #8a5a00;")
        self.mention_warning.setWordWrap(True)
        self.mention_warning.setVisible(False)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {ERROR_TEXT};")
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        entry = QHBoxLayout()
        entry.addWidget(self.input, 1)
        entry.addWidget(self.send_button)
        head = QHBoxLayout()
        title = QLabel("Chat")
        title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.room_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(head)
        layout.addWidget(self.earlier)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        layout.addWidget(self.mention_warning)
        layout.addLayout(entry)

        self.room_combo.currentIndexChanged.connect(lambda _i: self._room_changed())
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    # -- rooms --------------------------------------------------------------------------
    @property
    def room(self) -> str:
        return str(self.room_combo.currentData() or STUDIO)

    def set_day(self, day: date) -> None:
        """The schedule now shows ``day``: offer its room (and load it the first time)."""
        if day == self._day:
            return
        self._day = day
        label, room = f"Day — {day:%a %-d %b}", day_room(day.isoformat())
        if self.room_combo.count() < 2:
            self.room_combo.addItem(label, room)
        else:
            self.room_combo.setItemText(1, label)
            self.room_combo.setItemData(1, room)
        if room not in self.collab.chat.rooms():
            spawn(self._run(self.collab.load_room(room)))
        if self.room_combo.currentIndex() == 1:
            self._room_changed()

    def show_room(self, room: str) -> None:
        index = self.room_combo.findData(room)
        if index >= 0:
            self.room_combo.setCurrentIndex(index)

    def _room_changed(self) -> None:
        self.cancel_edit()
        self.refresh()
        self.view.scrollToBottom()

    def refresh(self) -> None:
        me = self.collab.me
        self.model.me = me.id if me else None
        current = self.selected()
        bar = self.view.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        top = self.top_message()
        self._restoring = True
        try:
            self.model.set_messages(self.collab.chat.messages(self.room))
            if current is not None:
                self.select_message(current.id)
            if at_end:
                self.view.scrollToBottom()
            elif top is not None:  # earlier messages came in above: the reader stays where they were
                self.scroll_to_message(top.id)
        finally:
            self._restoring = False
        self._show_history_state()
        directory = self._directory()
        mine = me.id if me else None
        self.names.setStringList(people(directory, mine))
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        """Open on the newest messages (the view had no size yet when first filled)."""
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self._restoring = True
            try:
                self.view.doItemsLayout()
                self.view.scrollToBottom()
            finally:
                self._restoring = False

    # -- earlier pages -------------------------------------------------------------------------
    def top_message(self) -> ChatMessage | None:
        """The message at the top of the view."""
        index = self.view.indexAt(QPoint(2, 2))
        return self.model.message(index.row()) if index.isValid() else None

    def scroll_to_message(self, message_id: int) -> None:
        for row in range(self.model.rowCount()):
            msg = self.model.message(row)
            if msg is not None and msg.id == message_id:
                self.view.scrollTo(self.model.index(row), QAbstractItemView.ScrollHint.PositionAtTop)
                return

    def _scrolled(self, value: int) -> None:
        bar = self.view.verticalScrollBar()
        if not self._restoring and value == bar.minimum() and bar.maximum() > bar.minimum():
            self.show_earlier()

    def show_earlier(self) -> None:
        """Page in the messages before the oldest shown (once at a time)."""
        chat = self.collab.chat
        if self._loading_earlier or not chat.has_more(self.room) or chat.full(self.room):
            return
        self._loading_earlier = True
        self._show_history_state()
        spawn(self._load_earlier(self.room))

    async def _load_earlier(self, room: str) -> None:
        try:
            await self._run(self.collab.load_earlier(room))
        finally:
            self._loading_earlier = False
            self._show_history_state()

    def _show_history_state(self) -> None:
        chat, room = self.collab.chat, self.room
        self.earlier.show_state(more=chat.has_more(room), full=chat.full(room), loading=self._loading_earlier,
                                kept=f"{chat.limit:,} messages of a room")

    # -- selection ------------------------------------------------------------------------
    def selected(self) -> ChatMessage | None:
        index = self.view.currentIndex()
        return self.model.message(index.row()) if index.isValid() else None

    def select_message(self, message_id: int) -> bool:
        for row in range(self.model.rowCount()):
            msg = self.model.message(row)
            if msg is not None and msg.id == message_id:
                self.view.selectionModel().setCurrentIndex(
                    self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)
                return True
        return False

    def _own(self, msg: ChatMessage | None) -> bool:
        me = self.collab.me
        return msg is not None and me is not None and msg.author_id == me.id and not msg.deleted \
            and msg.kind in ("chat", "announcement")

    def _update_buttons(self) -> None:
        msg = self.selected()
        can_write = self.collab.me is not None and self.collab.me.role.value != "viewer"
        for b in self.reaction_buttons.values():
            b.setEnabled(can_write and msg is not None and not msg.deleted)
        self.edit_button.setEnabled(self._own(msg))
        self.delete_button.setEnabled(self._own(msg))
        self.input.setEnabled(can_write)
        self.send_button.setEnabled(can_write)
        if not can_write:
            self.input.setPlaceholderText("Viewers can read the chat but not write in it")

    # -- sending ---------------------------------------------------------------------------------
    def submit(self) -> None:
        text = self.input.text().strip()
        if not text:
            return
        if self._editing is not None:
            spawn(self._run(self.collab.edit(self._editing, text), clear=True))
        else:
            spawn(self._run(self.collab.send(self.room, text), clear=True))

    def start_edit(self) -> None:
        msg = self.selected()
        if not self._own(msg):
            return
        assert msg is not None
        self._editing = msg.id
        self.input.setText(msg.text)
        self.send_button.setText("Save edit")
        self.input.setFocus()

    def cancel_edit(self) -> None:
        self._editing = None
        self.send_button.setText("Send")

    def delete_selected(self) -> None:
        msg = self.selected()
        if self._own(msg):
            assert msg is not None
            spawn(self._run(self.collab.delete(msg.id)))

    def toggle_reaction(self, emoji: str) -> None:
        msg, me = self.selected(), self.collab.me
        if msg is None or me is None:
            return
        on = me.id not in msg.reactions.get(emoji, ())
        spawn(self._run(self.collab.react(msg.id, emoji, on)))

    async def _run(self, op: Awaitable[object], clear: bool = False) -> None:
        try:
            await op
        except ProtocolError as exc:
            self.show_error(exc.message)
            return
        except (ConnectionLost, RequestTimeout):
            self.show_error("Not connected to the studio server; the chat comes back when the link does.")
            return
        self.show_error("")
        if clear:
            self.input.clear()
            self.cancel_edit()
        self.refresh()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # -- mentions ---------------------------------------------------------------------------------
    def _maybe_complete(self, _text: str) -> None:
        before = self.input.text()[: self.input.cursorPosition()]
        match = _MENTION_AT_CURSOR.search(before)
        popup = self.completer.popup()
        if match is None:
            if popup is not None:
                popup.hide()
            return
        self.completer.setCompletionPrefix(match.group(1))
        if self.completer.completionCount() > 0:
            rect = self.input.cursorRect()
            rect.setWidth(max(220, self.input.width() // 2))
            self.completer.complete(rect)  # under the @, however long the line
        elif popup is not None:
            popup.hide()

    def _check_mentions(self, text: str) -> None:
        """Warn about @words that name nobody (the one still being typed is not judged yet)."""
        typing = _MENTION_AT_CURSOR.search(text[: self.input.cursorPosition()])
        judged = text[: typing.start()] + text[self.input.cursorPosition():] if typing else text
        missing = unknown(judged, self._directory())
        words = ", ".join(f"@{w}" for w in missing)
        self.mention_warning.setText(f"Nobody here is called {words}; they will not be told. "
                                     "Mentions use first names." if missing else "")
        self.mention_warning.setVisible(bool(missing))

    def insert_mention(self, name: str) -> None:
        """Replace the ``@par`` before the cursor with ``@Name ``."""
        cursor = self.input.cursorPosition()
        text = self.input.text()
        match = _MENTION_AT_CURSOR.search(text[:cursor])
        start = match.start() if match else cursor
        mention = f"@{handle(name)} "
        self.input.setText(text[:start] + mention + text[cursor:])
        self.input.setCursorPosition(start + len(mention))

    def row_of(self, index: QModelIndex) -> int:
        return index.row()
