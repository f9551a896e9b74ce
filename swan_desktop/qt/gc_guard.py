"""Garbage collection only on the GUI thread, and never a long stall there.

Python's cyclic collector runs in whichever thread happens to allocate when a
threshold is crossed. With the embedded server's thread in the process, that
can be the thread that destroys a Qt object owned by the GUI thread ("Timers
cannot be stopped from another thread", or worse). So automatic collection is
switched off and a timer on the GUI thread collects instead, generation by
generation, as the interpreter itself would.

A collection walks every object of its generations, so walking the hundreds of
thousands that start-up and a big schedule leave behind stalled the loop for
30–120 ms. So once the app has started (:meth:`GuiThreadCollector.settle`) and
after each collection of the oldest generation, the survivors are frozen
(``gc.freeze``): later collections walk only what was made since. Frozen
objects are still freed by reference counting; a cycle among them waits for
the deep collection, which unfreezes and collects everything at most every
``DEEP_INTERVAL_S`` and only while the app is quiet (few new objects for a few
seconds: no events arriving, nobody typing).
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000
#: The app's thresholds: collect the young generation less often than CPython's
#: 700 allocations (each collection costs a fixed walk), the older ones as usual.
APP_THRESHOLDS = (10_000, 10, 10)
#: A deep collection (everything, frozen included) at most this often, when quiet.
DEEP_INTERVAL_S = 30 * 60
#: Quiet: fewer new tracked objects than this in each of the last ``QUIET_TICKS`` ticks.
QUIET_ALLOCATIONS = 2_000
QUIET_TICKS = 5


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None,
                 thresholds: tuple[int, int, int] | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._thresholds = thresholds
        self._saved: tuple[int, int, int] | None = None
        self._quiet = 0
        self._last_deep = time.monotonic()
        self.collections = 0

    def start(self) -> None:
        gc.disable()
        if self._thresholds is not None:
            self._saved = gc.get_threshold()
            gc.set_threshold(*self._thresholds)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.unfreeze()
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None
        gc.enable()

    def settle(self) -> None:
        """Start-up is over: collect once and freeze what survives, for good."""
        gc.collect()
        gc.freeze()
        self._last_deep = time.monotonic()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        self._quiet = self._quiet + 1 if counts[0] < QUIET_ALLOCATIONS else 0
        if self._quiet >= QUIET_TICKS and time.monotonic() - self._last_deep >= DEEP_INTERVAL_S:
            gc.unfreeze()  # nothing is happening: a stall now is felt by nobody
            self.settle()
            self.collections += 1
            return
        for generation in (2, 1, 0):
            if thresholds[generation] and counts[generation] > thresholds[generation]:
                gc.collect(generation)
                if generation == 2:
                    gc.freeze()  # what survived the oldest generation is not walked again
                self.collections += 1
                return
