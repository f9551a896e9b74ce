"""One Swan Desktop per user and data folder: a second start hands its
command-line arguments to the first (which comes to the front) and exits.

The first copy listens on a QLocalServer; later copies connect with a
QLocalSocket, send their arguments as one JSON line and wait for "ok". A
socket left behind by a copy that crashed is detected (nobody answers) and
removed before listening.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from ..settings import paths

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
REPLY_TIMEOUT_MS = 2000
ACK = b"ok\n"


def default_name() -> str:
    """Per user and per data folder (tests and portable installs get their own)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "user"
    digest = hashlib.sha256(f"{user}|{paths.data_dir().resolve()}".encode()).hexdigest()[:16]
    return f"swan-desktop-{digest}"


def hand_over(name: str, arguments: Sequence[str], timeout_ms: int = CONNECT_TIMEOUT_MS) -> bool:
    """True when a running copy took ``arguments``; False when none answers (a stale socket)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    try:
        socket.write(json.dumps({"argv": list(arguments)}).encode() + b"\n")
        if not socket.waitForBytesWritten(REPLY_TIMEOUT_MS):
            return False
        while socket.bytesAvailable() < len(ACK):
            if not socket.waitForReadyRead(REPLY_TIMEOUT_MS):
                return False
        return bytes(socket.readAll().data()).startswith(ACK)
    finally:
        socket.abort()


class InstanceServer(QObject):
    """The first copy's end: emits ``argumentsReceived(list[str])`` for each later start."""

    argumentsReceived = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Listen, removing a stale socket left by a crashed copy. False when that fails."""
        if self.server.listen(self.name):
            return True
        if self.server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            log.info("removing a stale single-instance socket %s", self.name)
            QLocalServer.removeServer(self.name)
            if self.server.listen(self.name):
                return True
        log.warning("single instance: cannot listen on %s: %s", self.name, self.server.errorString())
        return False

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        line = bytes(socket.readLine().data())
        try:
            message = json.loads(line)
            argv = [str(a) for a in message["argv"]]
        except (ValueError, KeyError, TypeError):
            log.warning("single instance: ignored a malformed message")
            socket.abort()
            return
        socket.write(ACK)
        socket.flush()
        socket.disconnectFromServer()
        self.argumentsReceived.emit(argv)


def claim(arguments: Sequence[str], name: str | None = None) -> InstanceServer | None:
    """Become the one running copy (returns its server), or hand ``arguments`` to the copy
    that already runs and return None (the caller then exits)."""
    name = name or default_name()
    if hand_over(name, arguments):
        log.info("another Swan Desktop is running; handed it %s", list(arguments))
        return None
    server = InstanceServer(name)
    server.listen()
    return server
