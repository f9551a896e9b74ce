"""``NotificationPane``: the notification center — filters, counters, list, bulk marks and action buttons."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.notifications import CATEGORIES, PRIORITIES, Filter, NoteAction, NotificationCenter
from ...protocol.errors import ProtocolError
from .bridge import NotificationBridge
from .detail import NoteDetail
from .model import NotificationListModel

log = logging.getLogger(__name__)
RANGE_LABELS = {"today": "Today", "week": "Last 7 days", "month": "Last 30 days", "all": "All time"}


class NotificationPane(QWidget):
    #: "Notifications (3)" — for the tab title.
    titleChanged = Signal(str)
    #: A notification asked to open a session: its id and its start as the server answered it
    #: (ISO 8601; "" once the session was deleted).
    openSession = Signal(int, str)
    #: A notice's "Open client card": the client's id.
    openClient = Signal(int)

    def __init__(self, center: NotificationCenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.center = center
        self.bridge = NotificationBridge(center.store, self)
        self.model = NotificationListModel(center.store, self)
        self._tasks: set[asyncio.Task[Any]] = set()
        self.confirm_box: QMessageBox | None = None

        self.category = QComboBox()
        self.category.addItem("All categories", None)
        for c in CATEGORIES:
            self.category.addItem(c.capitalize(), c)
        self.priority = QComboBox()
        self.priority.addItem("All priorities", None)
        for p in PRIORITIES:
            self.priority.addItem(p.capitalize(), p)
        self.range = QComboBox()
        for key, label in RANGE_LABELS.items():
            self.range.addItem(label, key)
        self.range.setCurrentIndex(3)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search notifications")
        self.search.setClearButtonEnabled(True)
        self.unread_only = QCheckBox("Unread only")
        for combo in (self.category, self.priority, self.range):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        self.unread_only.toggled.connect(self._apply_filter)

        self.counters = QLabel()
        self.counters.setStyleSheet("color: #455a64;")
        self.status = QLabel()
        self.status.setStyleSheet("color: #b71c1c;")

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for col, width in enumerate((80, 100, 220, 0, 110, 110)):
            if width:
                self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = NoteDetail()

        self.buttons: dict[str, QPushButton] = {}
        bulk = QHBoxLayout()
        for op, label in (("read", "Mark read"), ("unread", "Mark unread"), ("acknowledge", "Acknowledge"),
                          ("dismiss", "Dismiss")):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, op=op: self.mark_selected(op))
            self.buttons[op] = button
            bulk.addWidget(button)
        bulk.addSpacing(24)
        self.action_row = QHBoxLayout()
        bulk.addLayout(self.action_row)
        bulk.addStretch(1)
        bulk.addWidget(self.status)

        filters = QHBoxLayout()
        for w in (self.category, self.priority, self.range):
            filters.addWidget(w)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.unread_only)
        filters.addWidget(self.counters)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(bulk)

        self.bridge.changed.connect(self.refresh)
        self.refresh()

    # -- view -------------------------------------------------------------------
    @property
    def tab_title(self) -> str:
        unread = self.center.store.unread
        return f"Notifications ({unread})" if unread else "Notifications"

    def refresh(self) -> None:
        selected = set(self.selected_ids())
        self.model.refresh()
        for row in range(self.model.rowCount()):
            note = self.model.note(row)
            if note is not None and note.id in selected:
                self.table.selectRow(row)
        store = self.center.store
        crit = store.critical
        self.counters.setText(f"{store.unread} unread · "
                              + (f"<b style='color:#c62828'>{crit} critical</b>" if crit else "0 critical"))
        self.titleChanged.emit(self.tab_title)
        self._selection_changed()

    def _apply_filter(self) -> None:
        self.model.set_filter(Filter(self.category.currentData(), self.priority.currentData(),
                                     self.range.currentData(), self.search.text(),
                                     self.unread_only.isChecked()))

    def selected_ids(self) -> list[int]:
        out = []
        for index in self.table.selectionModel().selectedRows():
            note = self.model.note(index.row())
            if note is not None:
                out.append(note.id)
        return out

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        for button in self.buttons.values():
            button.setEnabled(bool(ids))
        while self.action_row.count():
            item = self.action_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.show_detail()
        if len(ids) == 1:
            note = self.center.store.get(ids[0])
            for action in note.actions if note else ():
                if action.id == "acknowledge":
                    continue
                button = QPushButton(action.label)
                button.setObjectName(f"action-{action.id}")
                button.clicked.connect(lambda _=False, n=ids[0], a=action: self.run_action(n, a))
                self.action_row.addWidget(button)

    def show_detail(self) -> None:
        """The single selected notification in full, with its delivery status (or a hint)."""
        ids = self.selected_ids()
        note = self.center.store.get(ids[0]) if len(ids) == 1 else None
        self.detail.show_note(note, pending=note is not None and self.center.store.is_pending(note.id))

    # -- commands -----------------------------------------------------------------
    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_event_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, what: str, call: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        self.status.clear()
        try:
            return await call()
        except (ProtocolError, ConnectionError, OSError, TimeoutError) as err:
            self.status.setText(f"{what} failed: {err}")
            log.warning("%s failed: %s", what, err)
            return None

    def mark_selected(self, op: str) -> None:
        ids = self.selected_ids()
        if ids:
            self._spawn(self._guarded(op.capitalize(), lambda: self.center.mark(ids, op)))

    def run_action(self, nid: int, action: NoteAction) -> None:
        if action.dangerous:
            box = QMessageBox(QMessageBox.Icon.Question, action.label,
                              f"{action.label}? The server will carry this out for everyone.",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
            box.setWindowModality(Qt.WindowModality.WindowModal)
            box.accepted.connect(lambda: self._spawn(self._act(nid, action, True)))
            self.confirm_box = box
            box.open()
        else:
            self._spawn(self._act(nid, action, False))

    async def _act(self, nid: int, action: NoteAction, confirm: bool) -> None:
        reply = await self._guarded(action.label, lambda: self.center.act(nid, action.id, confirm=confirm))
        opened = reply.get("open") if reply else None
        if isinstance(opened, dict) and isinstance(opened.get("session"), int):
            start = opened.get("start")
            self.openSession.emit(opened["session"], start if isinstance(start, str) else "")
        elif isinstance(opened, dict) and isinstance(opened.get("client"), int):
            self.openClient.emit(opened["client"])

    def close_down(self) -> None:
        self.bridge.detach()
        for task in list(self._tasks):
            task.cancel()
