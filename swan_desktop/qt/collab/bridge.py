"""``ObservableBridge``: a collaboration store's change callbacks as one coalesced Qt signal."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, QTimer, Signal

from ...core.collab.observable import Observable
from ..bridge import COALESCE_MS


class ObservableBridge(QObject):
    """Emits ``changed`` at most once per ``COALESCE_MS`` while any of the stores change."""

    changed = Signal()

    def __init__(self, stores: list[Observable], parent: QObject | None = None,
                 interval_ms: int = COALESCE_MS) -> None:
        super().__init__(parent)
        self._stores = list(stores)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.changed.emit)
        for store in self._stores:
            store.add_listener(self._on_change)

    def _on_change(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def flush_now(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.changed.emit()

    def detach(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._timer.stop()
        for store in self._stores:
            store.remove_listener(self._on_change)
