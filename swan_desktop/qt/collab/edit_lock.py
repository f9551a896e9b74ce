"""The session editor's edit lock: taken on open, renewed while open, released on close.

When someone else holds the session, the editor turns read-only under a
banner "Locked by Ana — ask for it" with an Ask button (and Break lock for an
admin); when the holder lets go the editor takes the lock and becomes
editable again. The holder sees requests for the lock, and a lock that was
broken or lapsed, in the same banner.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ...core.collab.client import RENEW_EVERY_S, CollabClient
from ...core.collab.locks import LockInfo, LockRequest
from ...core.outcomes import Locked, outcome_of
from ...net.connection import ConnectionLost, RequestTimeout
from ...protocol.errors import ProtocolError
from ..dialogs.session_dialog import SessionDialog
from ..tasks import spawn


class LockBanner(QWidget):
    """A calm strip at the top of the editor: the lock's state in words and what one can do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_banner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Edit lock")
        self.setStyleSheet("#lock_banner { background: rgba(242, 165, 65, 0.18); "
                           "border: 1px solid rgba(201, 115, 58, 0.55); border-radius: 6px; }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.ask_button = QPushButton("Ask")
        self.ask_button.setToolTip("Ask the person editing to let you have the session")
        self.break_button = QPushButton("Break lock")
        self.break_button.setToolTip("End their lock now (admins); their unsaved change will be refused")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.ask_button)
        row.addWidget(self.break_button)
        self.setVisible(False)

    def say(self, text: str, *, ask: bool = False, can_break: bool = False) -> None:
        self.text.setText(text)
        self.ask_button.setVisible(ask)
        self.break_button.setVisible(can_break)
        self.setVisible(bool(text))


class EditLock(QObject):
    def __init__(self, dialog: SessionDialog, collab: CollabClient, session_id: int, *,
                 writable: Callable[[], bool], is_admin: Callable[[], bool],
                 renew_every_s: float = RENEW_EVERY_S) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.collab = collab
        self.session_id = session_id
        self._writable = writable
        self._is_admin = is_admin
        self.holding = False
        self.locked_by: LockInfo | None = None
        self.banner = LockBanner(dialog)
        layout = dialog.layout()
        if layout is not None:
            layout.insertWidget(0, self.banner)  # type: ignore[attr-defined]
        self.banner.ask_button.clicked.connect(self.ask)
        self.banner.break_button.clicked.connect(self.break_lock)
        self.timer = QTimer(self)
        self.timer.setInterval(int(renew_every_s * 1000))
        self.timer.timeout.connect(lambda: spawn(self._renew()))
        collab.locks.add_listener(self._locks_changed)
        collab.locks.request_listeners.append(self._requested)
        collab.locks.lost_listeners.append(self._lost)
        dialog.finished.connect(lambda _r: self.close())
        self._closed = False
        self._taking = False

    def start(self) -> None:
        spawn(self._take())

    async def _take(self) -> None:
        if self._closed or self._taking or not self._writable():
            return
        self._taking = True
        try:
            await self.collab.take_lock(self.session_id)
        except ProtocolError as exc:
            match outcome_of(exc):
                case Locked(lock=LockInfo() as lock):
                    self._show_locked(lock)
                case outcome:
                    self.banner.say(f"Could not lock the session for editing: {outcome.message}")
            return
        except (ConnectionLost, RequestTimeout):
            self.banner.say("Offline: others are not told you are editing; your save may meet theirs.")
            return
        finally:
            self._taking = False
        if self._closed:  # closed while the request was out
            spawn(self._release())
            return
        self.holding, self.locked_by = True, None
        self.banner.say("")
        self.dialog.set_read_only(not self._writable())
        self.timer.start()

    def _show_locked(self, lock: LockInfo) -> None:
        self.locked_by = lock
        self.dialog.set_read_only(True)
        self.banner.say(f"Locked by {lock.holder_name} — ask for it, or wait until they close it.",
                        ask=True, can_break=self._is_admin())

    async def _renew(self) -> None:
        if not self.holding:
            return
        try:
            await self.collab.renew_lock(self.session_id)
        except ProtocolError as exc:
            self.holding = False
            self.timer.stop()
            self.banner.say(f"{exc.message}. Your save may be refused.")
        except (ConnectionLost, RequestTimeout):
            pass  # the lease runs on; the next renewal tries again

    def ask(self) -> None:
        async def run() -> None:
            try:
                await self.collab.ask_for_lock(self.session_id, "May I edit this session?")
            except (ProtocolError, ConnectionLost, RequestTimeout) as exc:
                self.banner.text.setText(f"Could not ask: {exc}")
                return
            name = self.locked_by.holder_name if self.locked_by else "the editor"
            self.banner.say(f"Asked {name} for this session; it opens for you when they let go.",
                            can_break=self._is_admin())
        spawn(run())

    def break_lock(self) -> None:
        spawn(self._guarded(self.collab.break_lock(self.session_id)))

    async def _guarded(self, op: Awaitable[object]) -> None:
        try:
            await op
        except (ProtocolError, ConnectionLost, RequestTimeout) as exc:
            self.banner.text.setText(f"Could not break the lock: {exc}")

    def _locks_changed(self) -> None:
        if self.locked_by is not None and self.collab.locks.holder(self.session_id) is None:
            self.locked_by = None  # the holder let go: try to take it
            spawn(self._take())

    def _requested(self, request: LockRequest) -> None:
        if self.holding and request.session_id == self.session_id:
            note = f": “{request.message}”" if request.message else ""
            self.banner.say(f"{request.by_name} asks for this session{note}. "
                            "Save or close to let them have it.")

    def _lost(self, lock: LockInfo, reason: str) -> None:
        if lock.session_id != self.session_id or not self.holding:
            return
        self.holding = False
        self.timer.stop()
        why = {"broken": "An admin broke your lock", "expired": "Your lock lapsed",
               "disconnected": "Your lock ended when the connection dropped",
               "role": "Your lock ended: your account may no longer edit sessions",
               }.get(reason, "Your lock ended")
        self.banner.say(f"{why}; someone else may edit now and your save may be refused.")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.timer.stop()
        self.collab.locks.remove_listener(self._locks_changed)
        for listeners, fn in ((self.collab.locks.request_listeners, self._requested),
                              (self.collab.locks.lost_listeners, self._lost)):
            if fn in listeners:
                listeners.remove(fn)  # type: ignore[arg-type]
        if self.collab.locks.token_for(self.session_id) is not None:
            spawn(self._release())

    async def _release(self) -> None:
        self.holding = False
        with contextlib.suppress(ProtocolError, ConnectionLost, RequestTimeout):  # else the lease runs out
            await self.collab.release_lock(self.session_id)
