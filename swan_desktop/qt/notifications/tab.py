"""``NotificationTab``: the Notifications tab — a "Center | Analytics" switch over the two views."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from .pane import NotificationPane

if TYPE_CHECKING:
    from .analytics import AnalyticsView

VIEWS = ("Center", "Analytics")


class NotificationTab(QWidget):
    """``analytics`` is the view, or what makes it: then it is made when first shown (its
    charts, QtCharts, are about 8 MiB that most sessions never look at)."""

    def __init__(self, pane: NotificationPane, analytics: AnalyticsView | Callable[[], AnalyticsView],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pane = pane
        self._analytics: AnalyticsView | None = None
        self._make_analytics: Callable[[], AnalyticsView] | None = None
        if isinstance(analytics, QWidget):
            self._analytics = analytics
        else:
            self._make_analytics = analytics
        self._placeholder = QWidget()
        self.stack = QStackedWidget()
        self.stack.addWidget(pane)
        self.stack.addWidget(self._analytics or self._placeholder)
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
    def analytics(self) -> AnalyticsView:
        if self._analytics is None:
            assert self._make_analytics is not None
            view = self._make_analytics()
            self.stack.insertWidget(1, view)
            self.stack.removeWidget(self._placeholder)
            self._placeholder.deleteLater()
            self._analytics = view
        return self._analytics

    @property
    def current(self) -> str:
        return VIEWS[self.stack.currentIndex()]

    def show_view(self, name: str) -> None:
        self.switch.button(VIEWS.index(name)).setChecked(True)

    def _toggled(self, index: int, checked: bool) -> None:
        if checked:
            if VIEWS[index] == "Analytics":
                self.analytics.refresh()
            self.stack.setCurrentIndex(index)

    def _store_changed(self) -> None:
        if self.current == "Analytics":  # the charts follow the store while shown
            self.analytics.refresh()
