"""Presence reports leave the client at most ``rate`` times a second; only the latest counts.

A report within the interval replaces the one waiting and goes out when the
interval is up, so a burst of a thousand drag moves costs about twenty frames
a second and the last position always arrives.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[object]]


class PresenceThrottle:
    def __init__(self, send: Send, rate: float = 20.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._send = send
        self.interval = 1.0 / rate
        self._clock = clock
        self._last_sent = -1e9
        self._last_data: dict[str, Any] | None = None
        self._waiting: dict[str, Any] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        #: How many reports went out (for tests and metrics).
        self.sent = 0

    def report(self, data: dict[str, Any]) -> None:
        """Queue ``data`` to go out now or at the end of the current interval.

        Without a running event loop (a window closing as the app quits) there is no one to
        tell and nothing is queued."""
        if data == self._last_data and self._waiting is None:
            return  # nothing new to say
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._waiting = data
        if self._timer is not None:
            return
        wait = self._last_sent + self.interval - self._clock()
        if wait <= 0:
            self._flush()
        else:
            self._timer = loop.call_later(wait, self._flush)

    def _flush(self) -> None:
        self._timer = None
        data, self._waiting = self._waiting, None
        if data is None or data == self._last_data:
            return
        self._last_data, self._last_sent = data, self._clock()
        self.sent += 1
        task = asyncio.ensure_future(self._send(data))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def forget(self) -> None:
        """After a reconnect: the server knows nothing, so the next report goes out even if equal."""
        self._last_data = None

    def cancel(self) -> None:
        """Drop what is waiting and stop reports in flight (signing out, quitting)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._waiting = None
        for task in list(self._tasks):
            task.cancel()
