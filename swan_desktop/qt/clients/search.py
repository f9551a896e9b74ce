"""Search as you type: debounced, and only the latest answer shown.

Each keystroke restarts a short timer (150 ms); when it fires the previous
search still on its way is cancelled and a new ``client.search`` is sent from
a task, so the Qt thread never waits. An answer to anything but the latest
query is dropped, even if it arrives (a cancelled request's reply may).
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject, QTimer, Signal

from ...core.clients import ClientsClient
from ...core.outcomes import FAILURES, outcome_of
from ..tasks import spawn

DEBOUNCE_MS = 150


class ClientSearch(QObject):
    #: The latest query's answer (a ``SearchResult``).
    answered = Signal(object)
    failed = Signal(str)
    busyChanged = Signal(bool)

    def __init__(self, clients: ClientsClient, parent: QObject | None = None,
                 debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.clients = clients
        self._text = ""
        self._generation = 0
        self._task: asyncio.Future[None] | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(debounce_ms)
        self.timer.timeout.connect(self.run_now)
        #: How many searches were sent (a test reads it: typing fast sends one).
        self.sent = 0
        #: Archived clients are listed too.
        self.include_archived = False

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def set_text(self, text: str) -> None:
        self._text = text.strip()
        self.timer.start()

    def run_now(self) -> None:
        """Search for the current text at once (also what the timer does)."""
        self.timer.stop()
        self._generation += 1
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.sent += 1
        self._task = spawn(self._run(self._generation, self._text))
        self.busyChanged.emit(True)

    def stop(self) -> None:
        self.timer.stop()
        self._generation += 1
        if self._task is not None:
            self._task.cancel()

    async def _run(self, generation: int, text: str) -> None:
        try:
            result = await self.clients.search(text, include_archived=self.include_archived)
        except FAILURES as exc:
            if generation == self._generation:
                self.busyChanged.emit(False)
                self.failed.emit(outcome_of(exc).message)
            return
        if generation == self._generation:
            self.busyChanged.emit(False)
            self.answered.emit(result)
