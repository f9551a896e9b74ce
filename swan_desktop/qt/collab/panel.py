"""The Collaboration tab: chat on the left, the activity feed on the right (``split``; the People list
is put in front of them by :func:`.install.install`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from ...core.collab.client import CollabClient
from ...core.directory import Directory
from .activity_panel import ActivityPanel
from .bridge import ObservableBridge
from .chat_panel import ChatPanel


class CollabPanel(QWidget):
    def __init__(self, collab: CollabClient, directory: Callable[[], Directory],
                 open_session: Callable[[int], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Collaboration")
        self.chat = ChatPanel(collab, directory)
        self.activity = ActivityPanel(collab.activity, directory, open_session,
                                      load_earlier=collab.load_earlier_activity)
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.chat)
        split.addWidget(self.activity)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.bridge = ObservableBridge([collab.chat, collab.activity], self)
        self.bridge.changed.connect(self.refresh)

    def refresh(self) -> None:
        self.chat.refresh()
        self.activity.refresh()
