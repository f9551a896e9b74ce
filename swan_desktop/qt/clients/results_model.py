"""The search results as a table: name, phone, balance and next session."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ...core.client_records import ClientRecord, Found
from ..session_text import local, short_date

HEADERS = ("Name", "Phone", "Balance", "Next session")
Index = QModelIndex | QPersistentModelIndex


class ClientResultsModel(QAbstractTableModel):
    def __init__(self, zone: tzinfo, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.rows: list[Found] = []

    def set_rows(self, rows: list[Found]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def update_client(self, record: ClientRecord) -> None:
        """A record changed (an event, a sale): its row follows, in place."""
        for i, found in enumerate(self.rows):
            if found.client.id == record.id and found.client != record:
                self.rows[i] = Found(record, found.next_session, found.last_session)
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(HEADERS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def client_at(self, row: int) -> ClientRecord | None:
        return self.rows[row].client if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        found = self.rows[index.row()]
        c = found.client
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return c.name + (" (archived)" if c.archived else "")
            if column == 1:
                return c.phone or "—"
            if column == 2:
                return f"{c.balance} credit" + ("" if c.balance == 1 else "s")
            nxt = found.next_session
            if nxt is None:
                return "—"
            start = local(nxt.start, self.zone)
            return f"{short_date(start.date())} {start:%H:%M}"
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return " · ".join(x for x in (c.email, ", ".join(c.tags)) if x) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return c.id
        return None
