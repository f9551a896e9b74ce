"""Thin Qt models over the chat and activity stores (fixed row heights; sorting is the store's)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from ...core.collab.activity import ActivityEntry
from ...core.collab.chat import ChatMessage
from ...protocol.timefmt import parse_ts
from ..human_time import human_time
from ..models.row_table import RowTableModel

Index = QModelIndex | QPersistentModelIndex
ROW_HEIGHT = 42
MessageRole = Qt.ItemDataRole.UserRole + 1
EntryRole = Qt.ItemDataRole.UserRole + 2


def clock(ts: str | None) -> str:
    """``09:05`` today, ``yesterday 09:05`` or ``Mon 3 Mar 09:05`` before, on this PC's clock."""
    if not ts:
        return ""
    try:
        text = human_time(parse_ts(ts, 'ts'))
    except Exception:  # noqa: BLE001 - a malformed time shows as nothing, never breaks the list
        return ""
    return text.removeprefix("today ")


def when(ts: str | None) -> str:
    """``today 09:05``, ``yesterday 18:03`` or ``Mon 3 Mar 09:05`` on this PC's clock."""
    if not ts:
        return ""
    try:
        return human_time(parse_ts(ts, 'ts'))
    except Exception:  # noqa: BLE001
        return str(ts)


def pretty(field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if field in ("start", "end"):
        return when(str(value))
    return str(value)


def changes_text(entry: ActivityEntry) -> str:
    """``start: Mon 03 Mar 10:00 → Mon 03 Mar 11:00; notes: — → towel``."""
    return "; ".join(f"{f}: {pretty(f, old)} → {pretty(f, new)}" for f, old, new in entry.changes)


def reaction_text(msg: ChatMessage) -> str:
    return "  ".join(f"{emoji} {len(users)}" for emoji, users in sorted(msg.reactions.items()) if users)


class ChatModel(QAbstractListModel):
    """One room's messages, oldest first: ``Name · 10:02 (edited)   ✔ 2`` over the text."""

    def __init__(self, me: int | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.me = me
        self._rows: list[ChatMessage] = []

    def set_messages(self, rows: list[ChatMessage]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def message(self, row: int) -> ChatMessage | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        msg = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = "(message deleted)" if msg.deleted else msg.text.replace("\n", " ")
            head = f"{msg.author_name} · {clock(msg.created_at)}"
            if msg.edited_at and not msg.deleted:
                head += " (edited)"
            if msg.kind == "announcement":
                head += " · announcement"
            reactions = reaction_text(msg)
            return f"{head}{'     ' + reactions if reactions else ''}\n{text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return msg.text or None
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(200, ROW_HEIGHT)
        if role == Qt.ItemDataRole.FontRole and (msg.kind in ("system", "conflict") or msg.deleted):
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if msg.kind == "conflict":
                return QColor("#b3541e")
            if msg.kind == "system" or msg.deleted:
                return QColor("#6b7684")
        if role == Qt.ItemDataRole.BackgroundRole and self.me is not None and self.me in msg.mentions:
            return QColor(255, 214, 102, 70)
        if role == MessageRole:
            return msg
        return None


ACTIVITY_COLUMNS = ("When", "Who", "What", "Changes")


class ActivityModel(RowTableModel[ActivityEntry]):
    """Feed entries, newest first, as the store filtered them."""

    headers = ACTIVITY_COLUMNS

    def set_entries(self, rows: list[ActivityEntry]) -> None:
        self.set_rows(rows)

    def entry(self, row: int) -> ActivityEntry | None:
        return self.row(row)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        e = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return when(e.ts)
            if col == 1:
                return e.actor_name
            if col == 2:
                return e.summary
            if col == 3:
                return changes_text(e)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{e.summary}\n{changes_text(e).replace('; ', chr(10))}".strip()
        if role == Qt.ItemDataRole.ForegroundRole and e.kind in ("overwritten", "discarded"):
            return QColor("#b3541e")
        if role == EntryRole:
            return e
        return None
