"""Who is online: one round avatar per person in their colour, with name, role and what they do.

With a ``menu`` callback (admins: see :mod:`.admin`) a right click on an avatar or its caption
opens that person's menu.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ...core.collab.presence import PresenceEntry, PresenceStore

DOING = {"viewing": "viewing", "editing": "editing", "selecting": "selecting", "dragging": "moving a session",
         "idle": "idle", "away": "away"}


class Avatar(QWidget):
    """A circle with initials; faded with a grey dot when idle, hollow when away."""

    SIZE = 26

    def __init__(self, entry: PresenceEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setFixedSize(QSize(self.SIZE + 4, self.SIZE + 4))
        self.setToolTip(entry.describe())
        self.setAccessibleName(entry.describe())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = QColor(self.entry.color)
        circle = QRectF(2, 2, self.SIZE, self.SIZE)
        away = self.entry.activity == "away"
        if self.entry.activity == "idle":
            color.setAlphaF(0.55)
        p.setPen(QPen(QColor(self.entry.color), 2))
        p.setBrush(Qt.BrushStyle.NoBrush if away else color)
        p.drawEllipse(circle)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(8.5)
        p.setFont(font)
        p.setPen(QColor(self.entry.color) if away else QColor("#ffffff"))
        p.drawText(circle, Qt.AlignmentFlag.AlignCenter, self.entry.initials)
        if self.entry.activity in ("editing", "dragging", "idle", "away"):
            dot = {"editing": "#2e9d57", "dragging": "#2e9d57", "idle": "#c99a2e", "away": "#9aa3ad"}
            p.setPen(QPen(self.palette().window().color(), 1.5))
            p.setBrush(QColor(dot[self.entry.activity]))
            p.drawEllipse(QRectF(self.SIZE - 7, self.SIZE - 7, 9, 9))
        p.end()


class AvatarStrip(QWidget):
    """``Online:`` followed by an avatar and a short caption per person (the user first)."""

    def __init__(self, store: PresenceStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("People online")
        self.store = store
        #: ``menu(entry, widget, pos)`` opens a person's context menu (None: no menu).
        self.menu: Callable[[PresenceEntry, QWidget, QPoint], object] | None = None
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(10, 2, 10, 2)
        self._row.setSpacing(6)
        self.title = QLabel("Online:")
        self.title.setStyleSheet("color: palette(placeholder-text);")
        self.avatars: list[Avatar] = []
        self._captions: list[QLabel] = []
        self.refresh()

    def entries(self) -> list[PresenceEntry]:
        me = self.store.me
        return sorted(self.store.online(), key=lambda e: (e.user_id != me, e.name.lower()))

    def refresh(self) -> None:
        while self._row.count():
            item = self._row.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None and w is not self.title:
                w.deleteLater()
        self.avatars, self._captions = [], []
        self._row.addWidget(self.title)
        entries = self.entries()
        self.title.setText("Online:" if entries else "Nobody else online")
        for entry in entries:
            avatar = Avatar(entry, self)
            you = " (you)" if entry.user_id == self.store.me else ""
            caption = QLabel(f"<b>{entry.name}</b>{you} <span style='color:gray'>{entry.role} · "
                             f"{DOING.get(entry.activity, entry.activity)}</span>")
            caption.setToolTip(entry.describe())
            for widget in (avatar, caption):
                widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
                widget.customContextMenuRequested.connect(
                    lambda pos, e=entry, w=widget: self._open_menu(e, w, pos))
            self._row.addWidget(avatar)
            self._row.addWidget(caption)
            self._row.addSpacing(8)
            self.avatars.append(avatar)
            self._captions.append(caption)
        self._row.addStretch(1)

    def _open_menu(self, entry: PresenceEntry, widget: QWidget, pos: QPoint) -> None:
        if self.menu is not None:
            self.menu(entry, widget, pos)

    def names(self) -> list[str]:
        return [a.entry.name for a in self.avatars]
