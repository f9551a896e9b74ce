"""The People list in the Collaboration tab: who is online, with the admins' menu and announcements.

:class:`PeopleModel` is a thin list model over the presence store (the store
sorts); :class:`PeoplePanel` shows it, opens :class:`~.admin.AdminActions`'
menu on a right click and, for admins, offers "Announcement…".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from ...core.collab.client import CollabClient
from ...core.collab.presence import PresenceEntry, PresenceStore
from ..style import ERROR_TEXT
from .admin import AdminActions
from .announcement import AnnouncementDialog
from .avatars import DOING

Index = QModelIndex | QPersistentModelIndex
ROW_HEIGHT = 26
EntryRole = Qt.ItemDataRole.UserRole + 1


def dot(color: str, size: int = 12) -> QIcon:
    """A round swatch of the person's colour (the colour of their avatar and outlines)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1))
    painter.end()
    return QIcon(pixmap)


class PeopleModel(QAbstractListModel):
    """One row per person online (``Ana — trainer · editing``), the user marked "(you)"."""

    def __init__(self, store: PresenceStore, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self._rows: list[PresenceEntry] = list(store.online())

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = list(self.store.online())
        self.endResetModel()

    def entry(self, row: int) -> PresenceEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, user_id: int) -> int:
        return next((i for i, e in enumerate(self._rows) if e.user_id == user_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            you = " (you)" if entry.user_id == self.store.me else ""
            return f"{entry.name}{you} — {entry.role} · {DOING.get(entry.activity, entry.activity)}"
        if role == Qt.ItemDataRole.DecorationRole:
            return dot(entry.color)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return entry.describe()
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(0, ROW_HEIGHT)
        if role == EntryRole:
            return entry
        return None


class PeoplePanel(QWidget):
    def __init__(self, collab: CollabClient, admin: AdminActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("People")
        self.setMinimumWidth(220)
        self.collab, self.admin = collab, admin
        self.model = PeopleModel(collab.presence, self)
        self.view = QListView()
        self.view.setAccessibleName("People online")
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.announce_button = QPushButton("Announcement…")
        self.announce_button.setAccessibleName("Send an announcement")
        self.announce_button.setToolTip("Tell everyone (or one role) something, in the chat "
                                        "and as a notification")
        self.announce_button.clicked.connect(self.open_announcement)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Result")
        self.status.setVisible(False)
        self.hint = QLabel("Right-click a person to change their role or disconnect them.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.dialog: AnnouncementDialog | None = None
        title = QLabel("People online")
        title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 4, 8)
        layout.addLayout(head)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        layout.addWidget(self.announce_button)
        admin.told.connect(self.show_result)
        self.refresh()

    def refresh(self) -> None:
        self.model.refresh()
        admin = self.admin.is_admin
        self.announce_button.setVisible(admin)
        self.hint.setVisible(admin)

    def entry_at(self, pos: QPoint) -> PresenceEntry | None:
        index = self.view.indexAt(pos)
        return self.model.entry(index.row()) if index.isValid() else None

    def _context_menu(self, pos: QPoint) -> None:
        entry = self.entry_at(pos)
        if entry is not None:
            self.admin.popup(entry, self.view.viewport(), pos)

    def show_result(self, text: str, error: bool) -> None:
        self.status.setStyleSheet(f"color: {ERROR_TEXT};" if error else "")
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def open_announcement(self) -> AnnouncementDialog | None:
        if not self.admin.is_admin:
            return None
        if self.dialog is None:
            self.dialog = AnnouncementDialog(self.collab, self)
            self.dialog.sent.connect(lambda text: self.show_result(text, False))
        self.dialog.open()
        return self.dialog
