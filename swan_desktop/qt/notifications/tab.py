"""``NotificationTab``: the Notifications tab — a "Center | Analytics" switch over the two views."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from .analytics import AnalyticsView
from .pane import NotificationPane

VIEWS = ("Center", "Analytics")


class NotificationTab(QWidget):
    def __init__(self, pane: NotificationPane, analytics: AnalyticsView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pane, self.analytics = pane, analytics
        self.stack = QStackedWidget()
        self.stack.addWidget(pane)
        self.stack.addWidget(analytics)
        self.switch = QButtonGroup(self)
        self.switch.setExclusive(True)
        row = QHBoxLayout()
        row.setSpacing(0)
        for i, name in enumerate(VIEWS):
            button = QPushButton(name)
            button.setCheckable(True)
            button.setObjectName(f"view-{name.lower()}")
            button.setAccessibleName(f"Show {name.lower()}")
            button.setMinimumWidth(96)
            self.switch.addButton(button, i)
            row.addWidget(button)
        row.addStretch(1)
        self.switch.button(0).setChecked(True)
        self.switch.idToggled.connect(self._toggled)
        pane.bridge.changed.connect(self._store_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(row)
        layout.addWidget(self.stack, 1)

    @property
    def current(self) -> str:
        return VIEWS[self.stack.currentIndex()]

    def show_view(self, name: str) -> None:
        self.switch.button(VIEWS.index(name)).setChecked(True)

    def _toggled(self, index: int, checked: bool) -> None:
        if checked:
            self.stack.setCurrentIndex(index)
            if VIEWS[index] == "Analytics":
                self.analytics.refresh()

    def _store_changed(self) -> None:
        if self.current == "Analytics":  # the charts follow the store while shown
            self.analytics.refresh()
