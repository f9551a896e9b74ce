"""SessionTableModel: a read-only table over a list of sessions the store produced.

Sorting and filtering happen in the store; this model only adapts the list it
is given (``set_sessions``) to Qt, one row per session.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from ...core.directory import Directory
from ...protocol.entities import Session, Status
from ..session_block import MARKS, paint_block
from ..session_text import client_label, local, short_date, time_range, tooltip_html
from ..style import canvas_colors, status_label

_Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    DATE = 0
    TIME = 1
    TRAINER = 2
    CLIENT = 3
    TYPE = 4
    LOCATION = 5
    STATUS = 6


HEADERS = {
    Column.DATE: "Date", Column.TIME: "Time", Column.TRAINER: "Trainer", Column.CLIENT: "Client",
    Column.TYPE: "Type", Column.LOCATION: "Location", Column.STATUS: "Status",
}


class SessionRole(enum.IntEnum):
    SessionIdRole = Qt.ItemDataRole.UserRole + 1
    SessionRole = Qt.ItemDataRole.UserRole + 2
    StatusRole = Qt.ItemDataRole.UserRole + 3


_swatches: dict[tuple[str, Status, bool], QIcon] = {}


def status_swatch(type_color: str, status: Status) -> QIcon:
    """A small block marked like the grid's blocks (type colour + status marking),
    for the application's current (light or dark) palette."""
    canvas = canvas_colors()
    key = (type_color, status, canvas.dark)
    icon = _swatches.get(key)
    if icon is None:
        pix = QPixmap(18, 14)
        pix.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pix)
        paint_block(painter, QRectF(0, 0, 18, 14), type_color, status, (), canvas=canvas)
        painter.end()
        icon = QIcon(pix)
        _swatches[key] = icon
    return icon


class SessionTableModel(QAbstractTableModel):
    """Rows = the given sessions in the given order; columns = ``Column``."""

    def __init__(self, directory: Directory | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._directory = directory or Directory()
        self._zone = self._directory.zone  # dates and times on the studio's wall clock
        self._rows: list[Session] = []
        self._marks: dict[int, str] = {}

    # -- feeding -----------------------------------------------------------
    def set_directory(self, directory: Directory) -> None:
        self._directory = directory
        self._zone = directory.zone
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))

    def set_sessions(self, sessions: Sequence[Session], marks: dict[int, str] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(sessions)
        self._marks = dict(marks or {})
        self.endResetModel()

    def session(self, row: int) -> Session | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, session_id: int) -> int | None:
        for i, s in enumerate(self._rows):
            if s.id == session_id:
                return i
        return None

    # -- Qt interface --------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(Column):
            return HEADERS[Column(section)]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(Column):
            return None
        s = self._rows[index.row()]
        col = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._text(s, col)
            mark = self._marks.get(s.id) if col == Column.STATUS else None
            return f"{text} · {MARKS[mark][0]}" if mark else text
        if role == Qt.ItemDataRole.DecorationRole and col == Column.STATUS:
            return status_swatch(self._directory.type_color(s.session_type_id), s.status)
        if role == Qt.ItemDataRole.DecorationRole and col == Column.TYPE:
            return QColor(self._directory.type_color(s.session_type_id))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_html(s, self._directory)
        if role == Qt.ItemDataRole.ForegroundRole and s.status in (Status.CANCELLED, Status.COMPLETED):
            return canvas_colors().axis_text  # muted, yet legible on either theme
        if role == SessionRole.SessionIdRole:
            return s.id
        if role == SessionRole.SessionRole:
            return s
        if role == SessionRole.StatusRole:
            return s.status.value
        return None

    def _text(self, s: Session, col: Column) -> str:
        d = self._directory
        if col == Column.DATE:
            return short_date(local(s.start, self._zone).date())
        if col == Column.TIME:
            return time_range(s, self._zone)
        if col == Column.TRAINER:
            return d.trainer_name(s.trainer_id)
        if col == Column.CLIENT:
            return client_label(s, d)
        if col == Column.TYPE:
            return d.type_name(s.session_type_id) or "—"
        if col == Column.LOCATION:
            return s.location or "—"
        return status_label(s.status)
