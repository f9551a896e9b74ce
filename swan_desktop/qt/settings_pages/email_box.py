"""The email part of the Notifications page: address, opt-in, minimum priority, digest, kept on the
server (``notification.prefs.get/set``) so that every PC of the user agrees; and the confirmation
of a new address by the code the server emails to it (``notification.email.confirm/resend``).
Until that code is typed here, notices go to the address confirmed before, if any."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ...core.notifications import NotificationCenter
from ...notify.prefs import PRIORITIES
from ...protocol.errors import ProtocolError
from ...protocol.timefmt import now_utc, parse_ts

#: What a refused or failed request is (the server's words, or the line is down).
_FAILED = (ProtocolError, ConnectionError, OSError, TimeoutError)


class EmailBox(QGroupBox):
    def __init__(self, center: NotificationCenter | None, parent: QWidget | None = None) -> None:
        super().__init__("Email (kept on the server for all your computers)", parent)
        self.center = center
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loading = False
        #: The prefs as the server last answered them.
        self.prefs: dict[str, Any] = {}
        grid = QGridLayout(self)
        self.email = QLineEdit()
        self.email.setPlaceholderText("name@example.com")
        self.email.setAccessibleName("Email address")
        self.email_opt_in = QCheckBox("Email me notifications")
        self.min_priority = QComboBox()
        for p in PRIORITIES:
            self.min_priority.addItem(p.capitalize(), p)
        self.min_priority.setAccessibleName("Minimum priority for email")
        self.digest = QCheckBox("Collect low-priority ones into a digest")
        self.status = QLabel()
        self.status.setWordWrap(True)
        # -- confirming a new address ----------------------------------------------------
        self.confirm_row = QWidget()
        row = QHBoxLayout(self.confirm_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.code = QLineEdit()
        self.code.setPlaceholderText("6-digit code")
        self.code.setAccessibleName("Confirmation code")
        self.code.setMaxLength(20)
        self.code.setFixedWidth(120)
        self.confirm_button = QPushButton("Confirm address")
        self.resend_button = QPushButton("Send a new code")
        row.addWidget(QLabel("Code from the email:"))
        row.addWidget(self.code)
        row.addWidget(self.confirm_button)
        row.addWidget(self.resend_button)
        row.addStretch(1)
        self.confirm_row.hide()

        grid.addWidget(QLabel("Address:"), 0, 0)
        grid.addWidget(self.email, 0, 1)
        grid.addWidget(self.confirm_row, 1, 1)
        grid.addWidget(self.email_opt_in, 2, 1)
        grid.addWidget(QLabel("From priority:"), 3, 0)
        grid.addWidget(self.min_priority, 3, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.digest, 4, 1)
        grid.addWidget(self.status, 5, 0, 1, 2)
        self.setEnabled(center is not None)
        self.email.editingFinished.connect(self._changed)
        self.email_opt_in.toggled.connect(self._changed)
        self.min_priority.currentIndexChanged.connect(self._changed)
        self.digest.toggled.connect(self._changed)
        self.code.returnPressed.connect(lambda: self.spawn(self.confirm()))
        self.confirm_button.clicked.connect(lambda: self.spawn(self.confirm()))
        self.resend_button.clicked.connect(lambda: self.spawn(self.resend()))

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = asyncio.get_event_loop()
        task = loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close_down(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    # -- what the server holds -------------------------------------------------------------
    async def load(self) -> bool:
        assert self.center is not None
        try:
            prefs = await self.center.email_prefs()
        except _FAILED as err:
            self.status.setText(f"Email settings not loaded: {err}")
            return False
        self._loading = True
        try:
            self.email.setText(str(prefs.get("pending_email") or prefs.get("email") or ""))
            self.email_opt_in.setChecked(bool(prefs.get("email_opt_in")))
            self.min_priority.setCurrentIndex(PRIORITIES.index(str(prefs.get("min_priority", "high"))))
            self.digest.setChecked(bool(prefs.get("digest", True)))
        finally:
            self._loading = False
        self._show(prefs)
        return True

    def _values(self) -> dict[str, Any]:
        return {"email": self.email.text().strip(), "email_opt_in": self.email_opt_in.isChecked(),
                "min_priority": self.min_priority.currentData(), "digest": self.digest.isChecked()}

    def _changed(self) -> None:
        if not self._loading and self.center is not None:
            self.spawn(self.save())

    async def save(self) -> bool:
        assert self.center is not None
        values = self._values()
        if values["email_opt_in"] and not values["email"]:
            self.status.setText("Give an address to receive email.")
            return False
        try:
            reply = await self.center.set_email_prefs(values)
        except ProtocolError as err:
            self.status.setText(f"Email settings not saved: {err.message}")
            return False
        except (ConnectionError, OSError, TimeoutError) as err:
            self.status.setText(f"Email settings not saved (the server is not reachable): {err}")
            return False
        self._show(dict(reply.get("prefs") or {}), reply.get("confirmation"),
                   f"Saved on the server at {datetime.now():%H:%M}.")
        return True

    async def confirm(self) -> bool:
        assert self.center is not None
        code = self.code.text().strip()
        if not code:
            self.status.setText("Type the code from the email first.")
            return False
        try:
            prefs = await self.center.confirm_email(code)
        except _FAILED as err:
            self.status.setText(f"Not confirmed: {getattr(err, 'message', err)}")
            return False
        self.code.clear()
        self._show(prefs)
        return True

    async def resend(self) -> bool:
        assert self.center is not None
        try:
            confirmation = await self.center.resend_email_code()
        except _FAILED as err:
            self.status.setText(f"No new code: {getattr(err, 'message', err)}")
            return False
        self._show(self.prefs, confirmation)
        return bool(confirmation.get("sent"))

    # -- saying where notices go -------------------------------------------------------------
    def _show(self, prefs: dict[str, Any], confirmation: dict[str, Any] | None = None,
              saved: str = "") -> None:
        self.prefs = prefs
        waiting = str(prefs.get("pending_email") or "")
        current = str(prefs.get("email") or "")
        self.confirm_row.setVisible(bool(waiting))
        meanwhile = (f"Notices go to {current} until then." if current and prefs.get("email_opt_in")
                     else "No notices are emailed until then.")
        if confirmation is not None and not confirmation.get("sent"):
            text = (f"The code could not be sent to {confirmation.get('to')}: {confirmation.get('detail')}. "
                    f"{meanwhile}")
        elif confirmation is not None:
            text = (f"A code was sent to {confirmation.get('to')}: type it here to confirm the address. "
                    f"{meanwhile}")
        elif waiting and not _holds(prefs.get("code_until")):
            text = f"No code for {waiting} holds now: send a new one to confirm it. {meanwhile}"
        elif waiting:
            text = f"{waiting} is waiting to be confirmed with the code emailed to it. {meanwhile}"
        elif current and prefs.get("email_opt_in"):
            text = f"Notices are emailed to {current}."
        else:
            text = ""
        self.status.setText(" ".join(part for part in (text, saved) if part))


def _holds(until: object) -> bool:
    """Whether a code the server says holds until ``until`` still does (by this PC's clock)."""
    try:
        return parse_ts(until, "code_until") > now_utc()
    except ProtocolError:  # none (no code was sent, or it was void) or not a time
        return False
