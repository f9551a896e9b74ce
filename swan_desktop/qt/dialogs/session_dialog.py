"""The session editor: create or change a session and send it without blocking.

Saving runs as a coroutine on the qasync loop (``tasks.spawn``); while a
request is in flight the dialog says "Saving…" and Save is disabled. Edits
send only the fields that differ from the version the editor started from.
Refusals arrive as typed outcomes (``core.outcomes``) and land next to the
field they concern (``Invalid`` with its field, a ``Clash`` next to the time
and the trainer or room, ``OutsideHours`` next to the time); a ``StaleVersion``
opens ``ConflictDialog`` (or ``ReviewDialog`` when the studio reviews merges).
The dialog never reads error codes or ``error.data``, and never writes the
schedule store: the actions store what the server answered. Confirmations use
``open()``, never ``exec()``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.actions import ScheduleActions, SeriesActions
from ...core.alternatives import Alternative
from ...core.cancellation import DEFAULT_WINDOW_H
from ...core.directory import Directory
from ...core.outcomes import (
    FAILURES,
    Clash,
    Forbidden,
    Internal,
    Invalid,
    Locked,
    Merge,
    NotFound,
    Offline,
    Outcome,
    OutsideHours,
    Queued,
    StaleVersion,
    outcome_of,
)
from ...core.schedule import ScheduleStore
from ...domain.overlap import TIME_OVERLAP
from ...protocol.entities import Session, Status
from ...protocol.timefmt import format_ts
from ..session_text import client_label, delete_question, local, short_date
from ..style import ERROR_TEXT
from ..tasks import spawn
from .alternatives_bar import AlternativesBar
from .cancel_dialog import CancelSessionDialog
from .clash_watch import ClashWatch
from .conflict_dialog import ConflictChoice, ConflictDialog, ReviewDialog
from .session_form import SessionForm, slot_for

log = logging.getLogger(__name__)

#: The answers to "which occurrences?", in button order.
SCOPE_CHOICES = (("This session", "this"), ("This and following", "following"),
                 ("The whole series", "series"))


def changed_fields(base: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that differ from ``base``."""
    return {k: v for k, v in values.items() if base.get(k) != v}


class SessionDialog(QDialog):
    """Create (``session=None``) or edit a session.

    Signals: ``saved(Session)`` with the session as the server now holds it
    (also after "Keep current"), ``deleted(int)``, ``conflictOpened(ConflictDialog)``,
    ``refused(Outcome)`` with the typed reason a save or deletion failed (after it
    is shown), and ``idle()`` when no request is in flight any more.
    """

    saved = Signal(object)
    deleted = Signal(int)
    refused = Signal(object)
    conflictOpened = Signal(object)
    idle = Signal()

    def __init__(self, directory: Directory, actions: ScheduleActions, session: Session | None = None, *,
                 start: datetime | None = None, trainer_id: int | None = None,
                 read_only: bool = False, can_override: bool = False,
                 user_name: Callable[[int], str] | None = None,
                 store: ScheduleStore | None = None, cancel_window_h: float = DEFAULT_WINDOW_H,
                 me: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._directory = directory
        self._actions = actions
        self._session = session
        self._read_only = read_only
        self._can_override = can_override
        self._user_name = user_name
        self._busy = False
        self._pending: dict[str, Any] = {}
        self._retry: Callable[[bool], object] | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self.review_dialog: ReviewDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.cancel_dialog: CancelSessionDialog | None = None
        self._cancel_window_h, self._me = cancel_window_h, me
        self.scope_box: QMessageBox | None = None
        self.override_box: QMessageBox | None = None
        self._clash_text = ""
        #: Series and scoped changes (None where the actions offer none).
        self.calendar: SeriesActions | None = actions.calendar

        self.setAccessibleName("Session editor")
        self.setMinimumWidth(520)
        self.form = SessionForm(directory)
        self.general_error = QLabel()
        self.general_error.setObjectName("error_general")
        self.general_error.setStyleSheet(f"color: {ERROR_TEXT};")
        self.general_error.setWordWrap(True)
        self.general_error.setVisible(False)
        self.busy_label = QLabel("Saving…")
        self.busy_label.setStyleSheet("color: #5f6b7a;")
        self.busy_label.setVisible(False)

        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_anyway_button = QPushButton("Save anyway")
        self.save_anyway_button.setToolTip("Book it even though it overlaps (admins only)")
        self.save_anyway_button.setVisible(False)
        self.cancel_session_button = QPushButton("Cancel session…")
        self.delete_button = QPushButton("Delete")
        self.close_button = QPushButton("Close")
        self.save_button.clicked.connect(lambda: self.save())
        self.save_anyway_button.clicked.connect(self.save_anyway)
        self.cancel_session_button.clicked.connect(self.ask_cancel_reason)
        self.delete_button.clicked.connect(self.ask_delete)
        self.close_button.clicked.connect(self.reject)

        for button in (self.cancel_session_button, self.delete_button, self.close_button):
            button.setMinimumWidth(button.sizeHint().width())  # never clipped when the dialog is narrow
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_session_button)
        buttons.addSpacing(24)  # cancelling keeps the session on record; deleting does not
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.busy_label)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_anyway_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.form)
        self.alternatives_bar = AlternativesBar()
        self.alternatives_bar.chosen.connect(self._take_alternative)
        layout.addWidget(self.alternatives_bar)
        layout.addWidget(self.general_error)
        layout.addLayout(buttons)

        if session is not None:
            self.form.load_wire(session.to_wire())
        else:
            begin = start or (datetime.now(self.form.zone).replace(minute=0, second=0, microsecond=0)
                              .astimezone(UTC) + timedelta(hours=1))
            self.form.load_wire({"start": format_ts(begin),
                                 "end": format_ts(begin + timedelta(minutes=60)),
                                 "trainer_id": trainer_id, "status": Status.SCHEDULED.value})
        self.form.set_repeat_visible(session is None and self.calendar is not None)
        #: Clash checks as fields change (only with the schedule store to check against).
        self.clash_watch: ClashWatch | None = None
        if store is not None and not read_only:
            self.clash_watch = ClashWatch(self.form, store, session.id if session else None, self)
            self.clash_watch.checked.connect(self._on_checked)
            self.clash_watch.timer.start()
        self._update_title()
        self._update_buttons()

    # -- state -------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        """The version the editor is based on (None while creating)."""
        return self._session

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def read_only(self) -> bool:
        return self._read_only

    def _update_title(self) -> None:
        s = self._session
        if s is None:
            self.setWindowTitle("New session")
        else:
            when = short_date(local(s.start, self.form.zone).date())
            suffix = " (read only)" if self._read_only else ""
            self.setWindowTitle(f"{client_label(s, self._directory)} — {when}{suffix}")

    def _update_buttons(self) -> None:
        editing = self._session is not None
        writable = not self._read_only
        self.form.set_read_only(self._read_only)
        self.save_button.setVisible(writable)
        self.save_button.setEnabled(writable and not self._busy)
        self.save_anyway_button.setEnabled(writable and not self._busy)
        if not writable:
            self.save_anyway_button.setVisible(False)
        can_cancel = editing and self._session is not None and self._session.status is not Status.CANCELLED
        self.cancel_session_button.setVisible(editing)
        self.cancel_session_button.setEnabled(writable and can_cancel and not self._busy)
        self.delete_button.setVisible(editing)
        self.delete_button.setEnabled(writable and not self._busy)
        self.busy_label.setVisible(self._busy)

    def _set_busy(self, busy: bool, text: str = "Saving…") -> None:
        self._busy = busy
        self.busy_label.setText(text)
        self._update_buttons()
        if not busy:
            self.idle.emit()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._update_title()
        self._update_buttons()

    def show_general_error(self, message: str) -> None:
        self.general_error.setText(message)
        self.general_error.setVisible(bool(message))

    def _clear_messages(self) -> None:
        self.form.clear_errors()
        self.show_general_error("")
        self.save_anyway_button.setVisible(False)

    # -- save ----------------------------------------------------------------------
    def save(self, allow_overlap: bool = False) -> bool:
        """Validate and send; returns False when nothing was sent."""
        if self._read_only or self._busy:
            return False
        self._clear_messages()
        problems = self.form.validate()
        if problems:
            self.form.show_errors(problems)
            return False
        values = self.form.values()
        base = self._session
        if base is None:
            self._retry = self.save
            rule = self.form.repeat.rule()
            calendar = self.calendar
            if calendar is not None and self.form.repeat.kind != "none":
                problem = self.form.repeat.problem()
                if problem or rule is None:
                    self.form.set_error("repeat", problem)
                    return False
                spawn(self._send(lambda: self._first(calendar.create_series(values, rule,
                                                                            allow_overlap=allow_overlap))))
                return True
            spawn(self._send(lambda: self._actions.create_session(values, allow_overlap=allow_overlap)))
            return True
        changes = changed_fields(base.to_wire(), values)
        if not changes:
            self.accept()
            return False
        self._pending = changes
        self._retry = self.save
        if base.series_id is not None and self.calendar is not None:
            self.ask_scope("Change", lambda scope: self._send_scoped(base, changes, scope, allow_overlap))
            return True
        spawn(self._send(lambda: self._actions.update_session(base.id, base.version, changes,
                                                             allow_overlap=allow_overlap)))
        return True

    @staticmethod
    async def _first(pending: Awaitable[list[Session]]) -> Session:
        return (await pending)[0]

    def ask_scope(self, verb: str, then: Callable[[str], None]) -> None:
        """Ask (non-modally) which occurrences of the series the change or deletion reaches."""
        box = QMessageBox(QMessageBox.Icon.Question, f"{verb} a repeating session",
                          f"{verb} only this session, this and the following ones, or the whole series? "
                          "Sessions changed on their own keep their changes.",
                          QMessageBox.StandardButton.NoButton, self)
        buttons: dict[QAbstractButton, str] = {
            box.addButton(text, QMessageBox.ButtonRole.AcceptRole): scope for text, scope in SCOPE_CHOICES}
        box.addButton(QMessageBox.StandardButton.Cancel)

        def answered(button: QAbstractButton) -> None:
            scope = buttons.get(button)
            if scope is not None:
                then(scope)
        box.buttonClicked.connect(answered)
        self.scope_box = box
        box.open()

    def _send_scoped(self, base: Session, changes: dict[str, Any], scope: str, allow_overlap: bool) -> None:
        calendar = self.calendar
        assert calendar is not None
        spawn(self._send(lambda: self._first(calendar.update_scoped(base.id, base.version, changes, scope,
                                                                    allow_overlap=allow_overlap))))

    def _send_pending(self, allow_overlap: bool = False) -> None:
        """Resend the last changes on top of the version the editor now holds."""
        base = self._session
        if base is None or not self._pending:
            return
        self._clear_messages()
        changes = dict(self._pending)
        self._retry = self._send_pending
        spawn(self._send(lambda: self._actions.update_session(base.id, base.version, changes,
                                                             allow_overlap=allow_overlap)))

    async def _send(self, request: Callable[[], Awaitable[Session]]) -> None:
        self._set_busy(True)
        try:
            result = await request()
        except FAILURES as exc:
            self._refused(self._outcome_of(exc), self._show_refusal)
            return
        except Exception as exc:
            log.exception("saving a session failed")
            self._refused(Internal(f"{exc or type(exc).__name__}. Try again."), self._show_refusal)
            return
        self._session = result
        self._pending = {}
        self._set_busy(False)
        self.saved.emit(result)
        self.accept()

    # -- refusals ------------------------------------------------------------------
    def _outcome_of(self, exc: Exception) -> Outcome:
        return outcome_of(exc, may_override=self._can_override and not self._read_only)

    def _refused(self, outcome: Outcome, show: Callable[[Outcome], None]) -> None:
        self._set_busy(False)
        show(outcome)
        self.refused.emit(outcome)

    def _show_refusal(self, outcome: Outcome) -> None:
        match outcome:
            case Invalid(field=field, message=message) if (slot := slot_for(field)) is not None:
                self.form.set_error(slot, message)
            case Invalid(message=message):
                self.show_general_error(message)
            case StaleVersion(current=current, merge=Merge(how="review") as merge):
                self._open_review(current, merge)
            case StaleVersion(current=current):
                self._open_conflict(current)
            case Clash():
                self._show_clash(outcome)
            case OutsideHours(message=message, may_override=may_override):
                self.form.set_error("start", message)
                if may_override:
                    self._offer_override("Book anyway")
            case NotFound(field=field, message=message) if (slot := slot_for(field)) is not None:
                self.form.set_error(slot, message)
            case NotFound():
                self.show_general_error("This session no longer exists; someone may have deleted it.")
                self.save_button.setEnabled(False)
            case Locked(message=message):
                self.show_general_error(f"Not saved: {message}. Ask them for the session, or wait "
                                        "until they close it; your values are still here.")
            case Forbidden(message=message):
                self.show_general_error(f"You are not allowed to make this change. ({message})")
            case Queued(message=message):
                self.show_general_error(message)
                self.save_button.setEnabled(False)  # it is kept; saving again would send it twice
            case Offline(message=message):
                self.show_general_error(message)
            case _:
                self.show_general_error(f"Could not save: {outcome.message}")

    def _on_checked(self, clashes: list[Any], alternatives: list[Alternative]) -> None:
        self.alternatives_bar.show_alternatives(alternatives)
        watch = self.clash_watch
        self._clash_text = watch.double_booked() if watch is not None else ""
        if clashes and self._can_override and not self._read_only:
            self._offer_override("Save anyway")
        elif not clashes and self.save_anyway_button.text() == "Save anyway":
            self.save_anyway_button.setVisible(False)

    def _take_alternative(self, alternative: Alternative) -> None:
        self.form.apply_alternative(alternative.start, alternative.trainer_id)
        if self.clash_watch is not None:
            self.clash_watch.check_now()

    def _show_clash(self, clash: Clash) -> None:
        self.form.set_error("start", clash.message)
        self._clash_text = f"• {clash.message}"
        if self.clash_watch is not None:
            self.clash_watch.server_message = clash.message
        if clash.kind == TIME_OVERLAP:
            self.form.set_error("location", "This room is taken at that time.")
        else:
            self.form.set_error("trainer_id", "This trainer is not free at that time.")
        if clash.may_override:
            self._offer_override("Save anyway")

    def _offer_override(self, text: str) -> None:
        self.save_anyway_button.setText(text)
        self.save_anyway_button.setVisible(True)
        self.save_anyway_button.setEnabled(True)

    def save_anyway(self) -> None:
        """Save with ``allow_overlap=True`` (admins only), after saying who gets double-booked."""
        if not self._can_override:
            return
        if self.save_anyway_button.text() != "Save anyway":  # outside working hours: nobody double-booked
            self._override_answered(True)
            return
        detail = self._clash_text or "• It overlaps another session."
        text = f"Book it anyway? This double-books:\n{detail}"
        box = QMessageBox(QMessageBox.Icon.Warning, "Save anyway", text,
                          QMessageBox.StandardButton.NoButton, self)
        yes = box.addButton("Book anyway", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton("Go back", QMessageBox.ButtonRole.RejectRole))
        box.buttonClicked.connect(lambda button: self._override_answered(button is yes))
        self.override_box = box
        box.open()

    def _override_answered(self, confirmed: bool) -> None:
        if confirmed:
            (self._retry or self.save)(True)

    # -- version conflicts -------------------------------------------------------------
    def _changed_by(self, current: Session) -> str:
        if current.updated_by is None:
            return "Someone"
        return self._user_name(current.updated_by) if self._user_name else self._directory.user_name(
            current.updated_by)

    def _open_conflict(self, current: Session) -> None:
        mine = self.form.values()
        dialog = ConflictDialog(current, mine, self._directory, self._changed_by(current), self)
        dialog.chosen.connect(lambda choice: self._on_conflict_choice(current, mine, choice))
        self.conflict_dialog = dialog
        self.conflictOpened.emit(dialog)
        dialog.open()

    def _open_review(self, current: Session, merge: Merge) -> None:
        """Manual review (the studio's strategy): choose per field between base, theirs and mine."""
        dialog = ReviewDialog(dict(merge.base), current.to_wire(), dict(merge.mine or self._pending),
                              list(merge.fields), self._directory, self._changed_by(current), self)
        dialog.chosen.connect(lambda values: self._on_review(current, values))
        self.review_dialog = dialog
        self.conflictOpened.emit(dialog)
        dialog.open()

    def _on_review(self, current: Session, values: dict[str, Any]) -> None:
        """Send the chosen values on top of the current version (nothing to send: theirs stands)."""
        self._session = current
        self._update_title()
        changes = changed_fields(current.to_wire(), values)
        self.form.load_wire({**current.to_wire(), **values})
        if not changes:
            self._pending = {}
            self.saved.emit(current)
            self.accept()
            return
        self._pending = changes
        self._send_pending()

    def _on_conflict_choice(self, current: Session, mine: dict[str, Any], choice: ConflictChoice) -> None:
        self._session = current
        self._update_title()
        if choice is ConflictChoice.KEEP_CURRENT:
            self._pending = {}
            self.form.load_wire(current.to_wire())
            self.saved.emit(current)
            self.accept()
        elif choice is ConflictChoice.OVERWRITE:
            self._send_pending()
        else:
            self.form.load_wire({**current.to_wire(), **mine})
            self._update_buttons()

    # -- cancel and delete ---------------------------------------------------------------
    def ask_cancel_reason(self) -> None:
        """Ask (non-modally) why, saying what happens to the credit and who hears of it; then cancel."""
        base = self._session
        if base is None:
            return
        dialog = CancelSessionDialog(base, self._directory, window_h=self._cancel_window_h, me=self._me,
                                     may_override=self._can_override and self.calendar is not None,
                                     parent=self)
        dialog.confirmed.connect(lambda reason: self.cancel_session(reason, dialog.restore_credit()))
        self.cancel_dialog = dialog
        dialog.open()

    def cancel_session(self, reason: str, restore_credit: bool = False) -> bool:
        """Send status=cancelled with ``reason``; a blank reason is refused next to the field."""
        base = self._session
        if base is None or self._read_only or self._busy:
            return False
        self._clear_messages()
        reason = reason.strip()
        if not reason:
            self.form.set_error("cancel_reason", "Say why the session is cancelled.")
            return False
        changes = {"status": Status.CANCELLED.value, "cancel_reason": reason}
        self._pending = changes
        self._retry = self._send_pending
        calendar = self.calendar
        if restore_credit and calendar is not None:  # admins: the credit comes back despite the window
            spawn(self._send(lambda: calendar.cancel_giving_credit_back(base.id, base.version, reason)))
            return True
        spawn(self._send(lambda: self._actions.update_session(base.id, base.version, changes)))
        return True

    def ask_delete(self) -> None:
        """Ask for confirmation with a non-modal message box, then delete."""
        s = self._session
        if s is None:
            return
        if s.series_id is not None and self.calendar is not None:
            self.delete_session()  # the question which occurrences is the confirmation
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete session",
                          delete_question(s, self._directory),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.buttonClicked.connect(self._on_delete_answer)
        self.confirm_box = box
        box.open()

    def _on_delete_answer(self, button: QAbstractButton) -> None:
        box = self.confirm_box
        if box is not None and box.standardButton(button) == QMessageBox.StandardButton.Yes:
            self.delete_session()

    def delete_session(self) -> bool:
        """Delete without asking (the confirmation already happened); an occurrence asks which ones."""
        s = self._session
        if s is None or self._read_only or self._busy:
            return False
        self._clear_messages()
        calendar = self.calendar
        if s.series_id is not None and calendar is not None:
            def delete(scope: str) -> None:
                spawn(self._delete(s, scope))
            self.ask_scope("Delete", delete)
            return True
        spawn(self._delete(s))
        return True

    async def _delete(self, s: Session, scope: str = "this") -> None:
        self._set_busy(True, "Deleting…")
        try:
            if scope != "this" and self.calendar is not None:
                await self.calendar.delete_scoped(s.id, s.version, scope)
            else:
                await self._actions.delete_session(s.id, s.version)
        except FAILURES as exc:
            self._refused(self._outcome_of(exc), lambda outcome: self._show_delete_refusal(s, outcome))
            return
        except Exception as exc:
            log.exception("deleting a session failed")
            self._refused(Internal(f"{exc or type(exc).__name__}. Try again."),
                          lambda outcome: self._show_delete_refusal(s, outcome))
            return
        self._set_busy(False)
        self.deleted.emit(s.id)
        self.accept()

    def _show_delete_refusal(self, s: Session, outcome: Outcome) -> None:
        match outcome:
            case NotFound():  # gone already: what the user wanted
                self.deleted.emit(s.id)
                self.accept()
            case StaleVersion(current=current):
                self._session = current
                self.form.load_wire(current.to_wire())
                self.saved.emit(current)
                self.show_general_error("Someone changed this session since you opened it. It now shows "
                                        "their version; check it and delete again if you still want to.")
            case Queued(message=message) | Offline(message=message):
                self.show_general_error(message)
            case _:
                self.show_general_error(f"Could not delete: {outcome.message}")
