"""One-session commands outside the editor: confirm, check in, cancel (asking), delete
(asking), copy, book again next week — for the right-click menu and the grid's keys.

Each goes through ``ScheduleActions`` like any change (the actions store the
server's answer), is recorded for Undo, and is told in the status bar.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from ..core.bulk import copy_of
from ..core.cancellation import notified, notified_short, window_hours
from ..core.outcomes import outcome_of
from ..protocol.entities import Role, Session, Status
from ..protocol.errors import ProtocolError
from .session_text import booking_words, client_label, delete_question, hm
from .tasks import spawn

if TYPE_CHECKING:  # the dialog is imported when first opened (start-up time)
    from .dialogs.cancel_dialog import CancelSessionDialog
    from .schedule_pane import SchedulePane

ATTENDANCE = (("Present", "present"), ("Late", "late"), ("No-show", "no_show"))


class SessionCommands(QObject):
    def __init__(self, pane: SchedulePane) -> None:
        super().__init__(pane)
        self.pane = pane
        self.cancel_dialog: CancelSessionDialog | None = None
        self.delete_box: QMessageBox | None = None

    def _session(self, session_id: int) -> Session | None:
        return self.pane.store.get(session_id)

    def _me(self) -> int | None:
        user = self.pane.current_user
        return user.id if user is not None else None

    def _words(self, s: Session) -> str:
        return f"{client_label(s, self.pane.store.directory)}'s {hm(s.start, self.pane.store.directory.zone)}"

    async def _do(self, what: str, step: Callable[[], Awaitable[object]]) -> bool:
        try:
            await step()
        except ProtocolError as exc:
            self.pane.editing.show_notice(f"Could not {what}: {outcome_of(exc).message}")
            return False
        return True

    # -- confirm and check in ------------------------------------------------------
    def can_confirm(self, s: Session) -> bool:
        return s.status in (Status.REQUESTED, Status.SCHEDULED)

    def confirm(self, session_id: int) -> None:
        s = self._session(session_id)
        if s is not None and self.can_confirm(s) and not self.pane.read_only:
            spawn(self._update(s, {"status": Status.CONFIRMED.value}, "confirmation", "Confirmed"))

    async def _update(self, s: Session, changes: dict[str, str], verb: str, done: str) -> None:
        result: list[Session] = []

        async def send() -> None:
            result.append(await self.pane.schedule_actions.update_session(s.id, s.version, changes))
        if await self._do(verb.replace("ation", "e"), send):
            self.pane.editing.record(s, result[0], verb)
            self.pane.editing.announce(f"{done} {self._words(s)}")

    def can_check_in(self, s: Session) -> bool:
        return (self.pane.schedule_actions.calendar is not None and not self.pane.read_only
                and s.status in (Status.SCHEDULED, Status.CONFIRMED, Status.COMPLETED)
                and bool(s.client_name or s.client_id))

    def check_in(self, session_id: int, attendance: str) -> None:
        s, calendar = self._session(session_id), self.pane.schedule_actions.calendar
        if s is None or calendar is None:
            return
        label = dict((v, k) for k, v in ATTENDANCE).get(attendance, attendance)

        async def send() -> None:
            await calendar.checkin(s.id, attendance)

        async def run() -> None:
            if await self._do("check in", send):
                self.pane.editing.announce(f"Checked in {self._words(s)}: {label}", undo=False)
        spawn(run())

    # -- cancel and delete -------------------------------------------------------------
    def ask_cancel(self, session_id: int) -> CancelSessionDialog | None:
        s = self._session(session_id)
        if s is None or s.status is Status.CANCELLED or self.pane.read_only:
            return None
        user = self.pane.current_user
        admin = user is not None and user.role is Role.ADMIN
        from .dialogs.cancel_dialog import CancelSessionDialog

        dialog = CancelSessionDialog(s, self.pane.store.directory,
                                     window_h=window_hours(self.pane.studio_settings()), me=self._me(),
                                     may_override=admin and self.pane.schedule_actions.calendar is not None,
                                     parent=self.pane)
        dialog.confirmed.connect(lambda reason: spawn(self._cancel(s, reason, dialog.restore_credit())))
        self.cancel_dialog = dialog
        dialog.open()
        return dialog

    async def _cancel(self, s: Session, reason: str, restore_credit: bool = False) -> None:
        result: list[Session] = []
        calendar = self.pane.schedule_actions.calendar

        async def send() -> None:
            if restore_credit and calendar is not None:
                result.append(await calendar.cancel_giving_credit_back(s.id, s.version, reason))
                return
            result.append(await self.pane.schedule_actions.update_session(
                s.id, s.version, {"status": Status.CANCELLED.value, "cancel_reason": reason}))
        if await self._do("cancel", send):
            self.pane.editing.record(s, result[0], "cancellation")
            heard = notified(s, self.pane.store.directory, self._me())
            self.pane.editing.announce(f"Cancelled {self._words(s)} · {notified_short(heard)}")

    def ask_delete(self, session_id: int) -> QMessageBox | None:
        s = self._session(session_id)
        if s is None or self.pane.read_only:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Delete session",
                          delete_question(s, self.pane.store.directory),
                          QMessageBox.StandardButton.NoButton, self.pane)
        yes = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole))
        box.buttonClicked.connect(lambda button: spawn(self._delete(s)) if button is yes else None)
        self.delete_box = box
        box.open()
        return box

    async def _delete(self, s: Session) -> None:
        async def send() -> None:
            await self.pane.schedule_actions.delete_session(s.id, s.version)
        if await self._do("delete", send):
            self.pane.editing.record_deleted(s)
            self.pane.editing.announce(f"Deleted {self._words(s)}")

    # -- copy and book again ----------------------------------------------------------------
    def copy(self, session_id: int) -> str:
        s = self._session(session_id)
        if s is None:
            return ""
        text = booking_words(s, self.pane.store.directory)
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)
        self.pane.editing.show_notice(f"Copied: {text}", error=False)
        return text

    def book_again(self, session_id: int, days: int = 7) -> None:
        s = self._session(session_id)
        if s is not None and not self.pane.read_only:
            spawn(self._book_again(s, days))

    async def _book_again(self, s: Session, days: int) -> None:
        made: list[Session] = []

        async def send() -> None:
            made.append(await self.pane.schedule_actions.create_session(copy_of(s, timedelta(days=days))))
        if await self._do("book it again", send):
            self.pane.editing.record_created(made[0])
            self.pane.editing.announce(f"Booked {booking_words(made[0], self.pane.store.directory)}")
            self.pane.go_to_session(made[0])
