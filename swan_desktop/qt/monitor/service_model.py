"""``ServiceTableModel``: the service status grid (service, status, reason, since) over the store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...core.monitor import MonitorStore
from ..human_time import human_iso
from ..models.row_table import RowTableModel
from .figures import STATUS_COLORS

COLUMNS = ("Service", "Status", "Reason", "Since")
Index = QModelIndex | QPersistentModelIndex


def since_text(iso: str | None) -> str:
    """When a service entered its status, on this computer's clock ("today 10:42:05")."""
    return human_iso(iso, seconds=True)


class ServiceTableModel(RowTableModel[dict[str, Any]]):
    headers = COLUMNS

    def __init__(self, store: MonitorStore) -> None:
        super().__init__()
        self._store = store

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self._store.services
        self.endResetModel()

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
