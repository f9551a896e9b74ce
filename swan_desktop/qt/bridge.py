"""StoreBridge: turns schedule-store change callbacks into one coalesced Qt signal.

Store listeners only mark the bridge dirty and (re)arm a single-shot timer, so
a burst of thousands of store changes reaches the views as one ``changed``.
When answering ``changed`` takes long (a big view under a stream of events),
the next gathering waits longer too, so refreshing never takes more than about
a fifth of the loop's time (``COALESCE_MAX_MS`` at most).
"""

from __future__ import annotations

import contextlib
import time

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.schedule import ScheduleStore

#: How long changes are gathered before the views hear about them.
COALESCE_MS = 50
#: The longest gathering, when the views take long to follow.
COALESCE_MAX_MS = 250
#: The gathering lasts at least this many times the views' last answer.
COST_FACTOR = 4


class StoreBridge(QObject):
    """Emits ``changed`` at most once per ``COALESCE_MS`` while the store changes."""

    changed = Signal()

    def __init__(self, store: ScheduleStore, parent: QObject | None = None,
                 interval_ms: int = COALESCE_MS) -> None:
        super().__init__(parent)
        self._store = store
        self._dirty = False
        self._interval_ms = interval_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._flush)
        store.add_listener(self._on_store_changed)

    @property
    def store(self) -> ScheduleStore:
        return self._store

    @property
    def dirty(self) -> bool:
        return self._dirty

    def _on_store_changed(self) -> None:
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        if self._dirty:
            self._dirty = False
            began = time.perf_counter()
            self.changed.emit()
            cost_ms = (time.perf_counter() - began) * 1000
            self._timer.setInterval(int(min(COALESCE_MAX_MS, max(self._interval_ms, COST_FACTOR * cost_ms))))

    def flush_now(self) -> None:
        """Deliver a pending change immediately (e.g. before a screenshot)."""
        self._timer.stop()
        self._flush()

    def detach(self) -> None:
        """Stop listening to the store (call before dropping the bridge)."""
        with contextlib.suppress(RuntimeError):  # the timer may already be gone with its parent
            self._timer.stop()
        with contextlib.suppress(ValueError):
            self._store.remove_listener(self._on_store_changed)
