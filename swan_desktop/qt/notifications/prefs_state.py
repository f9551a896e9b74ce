"""``NotificationPrefs``: the one owner of this PC's delivery preferences while the app runs.

Every change (from the settings page or the tray's Do-not-disturb item) goes
through :meth:`NotificationPrefs.update`: it is saved to ``notifications.json``,
handed to the router at once (``router.apply_prefs``) and announced with
``changed``; ``dndChanged`` says whether do-not-disturb is on, also when it
runs out by itself.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ...domain.quiet_hours import dnd_for, dnd_until_tomorrow
from ...notify.prefs import DeliveryPrefs
from ...notify.router import DeliveryRouter, local_now

log = logging.getLogger(__name__)

#: The do-not-disturb choices offered: label → minutes (None: until tomorrow).
DND_CHOICES: dict[str, int | None] = {"30 minutes": 30, "1 hour": 60, "Until tomorrow": None}
#: What the tray's checkable Do-not-disturb item turns on.
TRAY_DND = "Until tomorrow"


class NotificationPrefs(QObject):
    changed = Signal()
    dndChanged = Signal(bool)

    def __init__(self, router: DeliveryRouter | None = None, path: Path | None = None,
                 clock: Callable[[], datetime] = local_now, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.router = router
        self.path = path
        self.clock = clock
        self.prefs = DeliveryPrefs.load(path)
        self._dnd_timer = QTimer(self)
        self._dnd_timer.setSingleShot(True)
        self._dnd_timer.timeout.connect(self._dnd_check)
        self._dnd_on = self.dnd_active
        if router is not None:
            router.apply_prefs(self.prefs)
        self._arm()

    # -- reading ---------------------------------------------------------------
    def copy(self) -> DeliveryPrefs:
        """A copy to edit; hand it back to :meth:`update`."""
        return copy.deepcopy(self.prefs)

    @property
    def dnd_active(self) -> bool:
        until = self.prefs.dnd_until
        return until is not None and self.clock() < until

    # -- changing ----------------------------------------------------------------
    def update(self, prefs: DeliveryPrefs) -> str | None:
        """Save, apply live and announce; returns a sentence when the file could not be written."""
        self.prefs = prefs
        problem = None
        try:
            prefs.save(self.path)
        except OSError as err:
            problem = f"Notification settings apply now but could not be saved: {err}"
            log.warning("%s", problem)
        if self.router is not None:
            self.router.apply_prefs(prefs)
        self._arm()
        self.changed.emit()
        self._dnd_check()
        return problem

    def set_dnd(self, choice: str | None) -> None:
        """``choice`` is a key of :data:`DND_CHOICES`, or None to end do-not-disturb now."""
        prefs = self.copy()
        now = self.clock()
        if choice is None:
            prefs.dnd_until = None
        else:
            minutes = DND_CHOICES[choice]
            prefs.dnd_until = dnd_until_tomorrow(now) if minutes is None else dnd_for(now, minutes)
        self.update(prefs)

    def tray_toggled(self, on: bool) -> None:
        self.set_dnd(TRAY_DND if on else None)

    # -- expiry --------------------------------------------------------------------
    def _arm(self) -> None:
        self._dnd_timer.stop()
        until = self.prefs.dnd_until
        if until is not None:
            ms = int((until - self.clock()).total_seconds() * 1000)
            if ms > 0:
                self._dnd_timer.start(min(ms + 50, 2**31 - 1))

    def _dnd_check(self) -> None:
        on = self.dnd_active
        if on != self._dnd_on:
            self._dnd_on = on
            self.dndChanged.emit(on)
            if not on and self.router is not None:
                self.router.tick()  # what waited for do-not-disturb to end goes out now
