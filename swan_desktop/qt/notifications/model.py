"""``NotificationListModel``: a thin table over the store's filtered rows (filtering happens in the store)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ...core.notifications import Filter, Note, NotificationStore
from ..models.row_table import RowTableModel

COLUMNS = ("Priority", "Category", "Title", "Message", "Time", "State")
PRIORITY_COLORS = {"critical": "#c62828", "high": "#ef6c00", "normal": "#37474f", "low": "#78909c"}
NoteRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


def state_text(n: Note) -> str:
    if n.acknowledged_at is not None:
        return "acknowledged"
    return "unread" if n.unread else "read"


class NotificationListModel(RowTableModel[Note]):
    headers = COLUMNS

    def __init__(self, store: NotificationStore, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._filter = Filter()
        self._rows: list[Note] = store.visible(self._filter)
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def filter(self) -> Filter:
        return self._filter

    def set_filter(self, flt: Filter) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self._store.visible(self._filter)
        self.endResetModel()

    def note(self, row: int) -> Note | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        n = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (n.priority.capitalize(), n.category.capitalize(), n.title, n.message,
                    f"{n.created_at.astimezone():%d %b %H:%M}", state_text(n))[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (2, 3):
            return f"{n.title}\n{n.message}\nfrom {n.source}"
        if role == Qt.ItemDataRole.FontRole and n.unread:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QBrush(QColor(PRIORITY_COLORS.get(n.priority, "#37474f")))
        if role == NoteRole:
            return n.id
        return None
