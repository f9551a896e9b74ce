"""Quitting when asked from outside: a desktop log-out (SIGTERM) and the session manager's
``commitDataRequest`` take the same orderly path as File ▸ Quit — the window closes, the
controller and collaboration stop, the offline copy is written, the client closes — and
the process exits 0.

Python runs a signal handler only when Python code runs, and the Qt loop may sit in C++
for long: the signal's wake-up byte goes to a socket that a ``QSocketNotifier`` watches,
so the loop wakes and the handler runs at once. Whatever the app is showing says what
"quit" means (``when_asked(window.quit)``, ``when_asked(dialog.reject)``). The orderly
quit is bounded: if the process has not ended ``BOUND_S`` seconds later, it ends anyway
(exit code 0; the log says so).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtGui import QGuiApplication, QSessionManager

log = logging.getLogger(__name__)

BOUND_S = 15.0

_installed: OrderlyQuit | None = None


class OrderlyQuit(QObject):
    def __init__(self, app: QGuiApplication, bound_s: float = BOUND_S) -> None:
        super().__init__(app)
        self._app, self._bound_s = app, bound_s
        self._action: Callable[[], object] | None = None
        self.asked = False
        self._previous: tuple[int, object] = (-1, signal.SIG_DFL)
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def install(self) -> None:
        global _installed
        fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = (fd, signal.signal(signal.SIGTERM, self._on_signal))
        self._app.commitDataRequest.connect(self._on_commit)
        _installed = self

    def uninstall(self) -> None:
        global _installed
        fd, handler = self._previous
        signal.signal(signal.SIGTERM, handler)  # type: ignore[arg-type]
        signal.set_wakeup_fd(fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
        _installed = None

    def when_asked(self, action: Callable[[], object] | None) -> None:
        """What quitting means now; run at once if the request came while nothing was set."""
        self._action = action
        if self.asked and action is not None:
            QTimer.singleShot(0, action)

    def request(self, why: str) -> None:
        if self.asked:
            return
        self.asked = True
        log.info("%s: quitting as File ▸ Quit does", why)
        watchdog = threading.Timer(self._bound_s, self._give_up)
        watchdog.daemon = True
        watchdog.start()
        if self._action is not None:
            self._action()

    def _on_signal(self, signum: int, frame: object) -> None:
        QTimer.singleShot(0, lambda: self.request(f"signal {signal.Signals(signum).name}"))

    def _on_commit(self, manager: QSessionManager) -> None:
        self.request("the session manager is ending the session")

    def _drain(self) -> None:
        try:
            while self._reader.recv(64):
                pass
        except (BlockingIOError, OSError):
            pass

    def _give_up(self) -> None:
        log.error("the orderly quit took over %.0f s; ending now", self._bound_s)
        logging.shutdown()
        os._exit(0)


def when_asked(action: Callable[[], object] | None) -> None:
    """Say what quitting from outside means now (no-op when no handler is installed, as in tests)."""
    if _installed is not None:
        _installed.when_asked(action)
