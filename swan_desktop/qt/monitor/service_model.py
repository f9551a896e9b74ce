"""``ServiceTableModel``: the service status grid (service, status, reason, since) over the store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...core.monitor import MonitorStore
from .figures import STATUS_COLORS

COLUMNS = ("Service", "Status", "Reason", "Since")
Index = QModelIndex | QPersistentModelIndex


def since_text(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return iso
    return moment.strftime("%d %b %H:%M:%S")


class ServiceTableModel(QAbstractTableModel):
    def __init__(self, store: MonitorStore) -> None:
        super().__init__()
        self._store = store
        self._rows: list[dict[str, Any]] = []

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self._store.services
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], index.column()
        status = str(row.get("status") or "unknown")
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(row.get("label") or row.get("name")), status.capitalize(),
                    str(row.get("reason") or ""), since_text(row.get("since")))[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            return QColor(STATUS_COLORS.get(status, STATUS_COLORS["unknown"]))
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return row.get("since")
        if role == Qt.ItemDataRole.UserRole:
            return row.get("name")
        return None
