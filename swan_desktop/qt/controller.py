"""Keeps the window and the studio client in step: loads what the views show,
shows the connection's state and health, and brings refused changes to the user."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.client import FailedChange, StudioClient
from ..net.connection import ConnectionLost, RequestTimeout
from ..net.link import LinkState
from ..net.outbox import WARN_DEPTH
from ..protocol.errors import ProtocolError
from .connection_status import ConnectionStatus
from .failed_changes import FailedChangesDialog
from .main_window import MainWindow

log = logging.getLogger(__name__)

STATUS_REFRESH_MS = 2000


class ScheduleController(QObject):
    """Wires one :class:`StudioClient` to one :class:`MainWindow`."""

    rangeLoaded = Signal(int)  # sessions received for the visible range
    linkStateChanged = Signal(str, str)  # LinkState value, detail

    def __init__(self, client: StudioClient, window: MainWindow, pane: QObject) -> None:
        super().__init__()
        self.client = client
        self.window = window
        self.pane = pane
        self.status = ConnectionStatus(window)
        window.statusBar().addWidget(self.status, 1)
        self.status.retryRequested.connect(client.link.retry_now)
        self.status.failedClicked.connect(self.show_failed_changes)
        self.failed_dialog: FailedChangesDialog | None = None
        self._range: tuple[datetime, datetime] | None = None
        self._load_task: asyncio.Task[None] | None = None
        self._stopped = False
        pane.rangeChanged.connect(self.on_range_changed)  # type: ignore[attr-defined]
        client.link.on_state = self._link_state
        client.on_resynced = self._resynced
        client.on_failed = self._failed
        self._timer = QTimer(self)
        self._timer.setInterval(STATUS_REFRESH_MS)
        self._timer.timeout.connect(self.refresh_status)

    def start(self) -> None:
        user = self.client.user
        assert user is not None
        self.window.set_user(user, self.client.url)
        self.pane.set_current_user(user)  # type: ignore[attr-defined]
        self._link_state(self.client.link.state, self.client.link.detail)
        self.refresh_status()
        self._timer.start()
        if self.client.failed_changes():
            self.status.set_failed(len(self.client.failed_changes()))

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        if self._load_task is not None:
            self._load_task.cancel()

    # -- loading ---------------------------------------------------------
    def on_range_changed(self, start: datetime, end: datetime) -> None:
        self._range = (start, end)
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
        self._load_task = asyncio.ensure_future(self._load(start, end))

    async def _load(self, start: datetime, end: datetime) -> None:
        try:
            count = await self.client.load_range(start, end)
        except asyncio.CancelledError:
            raise
        except (ConnectionLost, RequestTimeout) as exc:
            self.status.show_message(f"Could not load the schedule: {exc}", error=True)
            return
        except ProtocolError as exc:
            self.status.show_message(f"The server refused the schedule query: {exc.message}",
                                     error=True)
            return
        self.rangeLoaded.emit(count)

    # -- connection --------------------------------------------------------
    def _link_state(self, state: LinkState, detail: str) -> None:
        if self._stopped:
            return
        self.status.set_state(state, detail)
        self.linkStateChanged.emit(state.value, detail)

    def _resynced(self) -> None:
        self.status.show_message("Resynchronised with the server (the schedule was reloaded).")
        if self._range is not None:
            self.on_range_changed(*self._range)

    def refresh_status(self) -> None:
        link = self.client.link
        snapshot = link.metrics.snapshot()
        depth = link.outbox.depth if link.auth is not None else 0
        self.status.set_health(snapshot, depth, depth >= WARN_DEPTH)

    # -- refused changes ---------------------------------------------------
    def _failed(self, change: FailedChange) -> None:
        count = len(self.client.failed_changes())
        self.status.set_failed(count)
        self.status.show_message(change.summary, error=True)
        if self.failed_dialog is not None and self.failed_dialog.isVisible():
            self.failed_dialog.reload()

    def show_failed_changes(self) -> FailedChangesDialog:
        if self.failed_dialog is None:
            self.failed_dialog = FailedChangesDialog(self.client, self.pane, self.window)
            self.failed_dialog.changed.connect(
                lambda: self.status.set_failed(len(self.client.failed_changes())))
        self.failed_dialog.reload()
        self.failed_dialog.open()
        return self.failed_dialog
