"""Coalesces notification-store changes (50 ms) into one ``changed`` signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ...core.notifications import NotificationStore


class NotificationBridge(QObject):
    changed = Signal()

    def __init__(self, store: NotificationStore, parent: QObject | None = None,
                 interval_ms: int = 50) -> None:
        super().__init__(parent)
        self.store = store
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.changed.emit)
        store.add_listener(self._mark)

    def _mark(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def detach(self) -> None:
        self._timer.stop()
        self.store.remove_listener(self._mark)
