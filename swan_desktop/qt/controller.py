"""Keeps the window and the studio client in step: loads what the views show,
reports the connection state, and reconnects after a drop."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime

from PySide6.QtCore import QObject, Signal

from ..core.client import StudioClient
from ..net.connection import ConnectionLost, RequestTimeout, is_auth_failure
from ..protocol.errors import ProtocolError
from .main_window import MainWindow

log = logging.getLogger(__name__)

RECONNECT_BASE_S = 1.0
RECONNECT_MAX_S = 20.0


class ScheduleController(QObject):
    """Wires one :class:`StudioClient` to one :class:`MainWindow`."""

    rangeLoaded = Signal(int)  # sessions received for the visible range

    def __init__(self, client: StudioClient, window: MainWindow, pane: QObject) -> None:
        super().__init__()
        self.client = client
        self.window = window
        self.pane = pane
        self._range: tuple[datetime, datetime] | None = None
        self._load_task: asyncio.Task[None] | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._stopped = False
        pane.rangeChanged.connect(self.on_range_changed)  # type: ignore[attr-defined]
        client.on_connection_lost = self._connection_lost

    def start(self) -> None:
        user = self.client.user
        assert user is not None
        self.window.set_user(user, self.client.url)
        self.pane.set_current_user(user)  # type: ignore[attr-defined]
        self.window.set_connection_state("Live")

    def stop(self) -> None:
        self._stopped = True
        for task in (self._load_task, self._reconnect_task):
            if task is not None:
                task.cancel()

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
            self.window.set_connection_state(f"Could not load the schedule: {exc}", ok=False)
            return
        except ProtocolError as exc:
            self.window.set_connection_state(f"The server refused the schedule query: {exc.message}",
                                             ok=False)
            return
        self.rangeLoaded.emit(count)

    # -- connection ------------------------------------------------------
    def _connection_lost(self, reason: str) -> None:
        if self._stopped:
            return
        self.window.set_connection_state(f"Connection lost ({reason}) — reconnecting…", ok=False)
        if self._reconnect_task is None or self._reconnect_task.done():
            self._reconnect_task = asyncio.ensure_future(self._reconnect())

    async def _reconnect(self) -> None:
        auth = self.client.auth
        if auth is None:
            return
        attempt = 0
        while not self._stopped:
            delay = random.uniform(RECONNECT_BASE_S / 2,
                                   min(RECONNECT_MAX_S, RECONNECT_BASE_S * 2 ** attempt))
            await asyncio.sleep(delay)
            attempt += 1
            try:
                await self.client.sign_in({"token": auth.token})
            except (ConnectionLost, RequestTimeout, OSError) as exc:
                self.window.set_connection_state(
                    f"Offline — retrying (attempt {attempt}): {exc}", ok=False)
                continue
            except ProtocolError as exc:
                msg = "Your sign-in expired; restart to sign in again." if is_auth_failure(exc) \
                    else exc.message
                self.window.set_connection_state(msg, ok=False)
                return
            self.window.set_connection_state("Live (reconnected)")
            if self._range is not None:
                self.on_range_changed(*self._range)
            return
