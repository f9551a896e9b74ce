"""Clash checks while a session is being typed, and the free alternatives to offer.

The form's ``fieldsChanged`` restarts a short single-shot timer; when typing
pauses, the candidate session is checked against the schedule store
(``core.alternatives``) and each clash is shown next to its cause: the trainer
or the room. A message goes as soon as its cause is fixed. The server still
judges the booking when it is saved.
"""

from __future__ import annotations

from datetime import UTC

from PySide6.QtCore import QObject, QTimer, Signal

from ...core.alternatives import Alternative, alternatives, clashes_of
from ...core.schedule import ScheduleStore
from ...domain.overlap import TIME_OVERLAP, Clash, describe, describe_all
from ...protocol.entities import Session, Status
from .session_form import SessionForm

DELAY_MS = 300


class ClashWatch(QObject):
    """Signals: ``checked(list[Clash], list[Alternative])`` after every check."""

    checked = Signal(list, list)

    def __init__(self, form: SessionForm, store: ScheduleStore, session_id: int | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.form, self.store, self.session_id = form, store, session_id
        self.clashes: list[Clash] = []
        self.alternatives: list[Alternative] = []
        #: A clash the server named on saving (shown next to the time): cleared with the rest.
        self.server_message = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.check_now)
        form.fieldsChanged.connect(self.timer.start)

    def candidate(self) -> Session | None:
        """The session as typed, or None when it cannot clash (no trainer, no length)."""
        form = self.form
        trainer = form.trainer_combo.currentData()
        if trainer is None or form.length_minutes() <= 0:
            return None
        return Session(id=self.session_id or 0, start=form.start_local().astimezone(UTC),
                       end=form.end_local().astimezone(UTC), trainer_id=int(trainer),
                       location=form.location_combo.currentText().strip(),
                       status=Status(form.status_combo.currentData()))

    def check_now(self) -> None:
        self.timer.stop()
        candidate = self.candidate()
        directory = self.store.directory
        self.clashes = clashes_of(candidate, self.store) if candidate is not None else []
        self.alternatives = alternatives(candidate, self.store, directory) \
            if candidate is not None and self.clashes else []
        trainer_text = room_text = ""
        if candidate is not None:
            name = directory.trainer_name(candidate.trainer_id)
            for clash in self.clashes:
                if clash.reason != TIME_OVERLAP:
                    trainer_text = trainer_text or describe(clash, name, self.form.zone)
            in_room = [c for c in self.clashes if c.reason == TIME_OVERLAP]
            room_text = describe_all(in_room, name, self.form.zone)[0] if in_room else ""
        self.form.set_error("trainer_id", trainer_text)
        self.form.set_error("location", room_text)
        if self.server_message and self.form.error_text("start") == self.server_message \
                and not self.clashes:
            self.form.set_error("start", "")
            self.server_message = ""
        self.checked.emit(self.clashes, self.alternatives)

    def double_booked(self) -> str:
        """Who a booking over the clashes would double-book, in words."""
        candidate = self.candidate()
        if candidate is None or not self.clashes:
            return ""
        name = self.store.directory.trainer_name(candidate.trainer_id)
        return "\n".join(f"• {line}" for line in describe_all(self.clashes, name, self.form.zone))
