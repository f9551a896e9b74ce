"""The agenda: a plain table of upcoming sessions with fixed, uniform row heights."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ..models.session_table_model import Column, SessionRole, SessionTableModel

ROW_HEIGHT = 28


class AgendaView(QTableView):
    """A ``QTableView`` over ``SessionTableModel``; no per-row measuring, ever."""

    sessionSelected = Signal(int)
    sessionActivated = Signal(int)
    selectionIdsChanged = Signal(list)  # every selected session id (Ctrl/Shift+click selects several)

    def __init__(self, model: SessionTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName("Agenda")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSortingEnabled(False)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        vh.setMinimumSectionSize(ROW_HEIGHT)
        hh = self.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        hh.setHighlightSections(False)
        for col, width in ((Column.DATE, 110), (Column.TIME, 110), (Column.TRAINER, 150),
                           (Column.CLIENT, 180), (Column.TYPE, 150), (Column.LOCATION, 130)):
            self.setColumnWidth(col, width)
        self.activated.connect(self._on_activated)
        self.selectionModel().selectionChanged.connect(self._on_selection)

    def session_at(self, pos: QPoint) -> int | None:
        """The session in the row at a viewport point (the right-click menu's)."""
        return self._id(self.indexAt(pos))

    def _id(self, index: QModelIndex) -> int | None:
        value = index.siblingAtColumn(0).data(SessionRole.SessionIdRole)
        return int(value) if value is not None else None

    def _on_activated(self, index: QModelIndex) -> None:
        sid = self._id(index)
        if sid is not None:
            self.sessionActivated.emit(sid)

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            sid = self._id(indexes[0])
            if sid is not None:
                self.sessionSelected.emit(sid)
        self.selectionIdsChanged.emit(self.selected_ids())

    def selected_ids(self) -> list[int]:
        rows = self.selectionModel().selectedRows()
        return [sid for index in sorted(rows, key=lambda i: i.row()) if (sid := self._id(index)) is not None]

    def select_session(self, session_id: int | None) -> None:
        model = self.model()
        assert isinstance(model, SessionTableModel)
        row = model.row_of(session_id) if session_id is not None else None
        if row is None:
            self.clearSelection()
        else:
            self.selectRow(row)
