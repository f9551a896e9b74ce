""""My hours" for a trainer: their own working hours and time off.

The server lets a trainer change these for the trainer their account is linked
to (``availability.set``, ``timeoff.*``); an account not linked to a trainer is
told to ask an administrator.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.admin import AdminClient
from ...core.outcomes import FAILURES
from ..settings_pages.form import error
from ..tasks import spawn
from .field_errors import FieldErrors
from .hours_editor import HoursEditor
from .places import outside_words
from .time_off_editor import TimeOffEditor


class MyHoursPage(QWidget):
    told = Signal(str, bool)

    def __init__(self, admin: AdminClient, user_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = admin
        self.user_id = user_id
        self.setAccessibleName("My hours")
        self.layout_ = QVBoxLayout(self)
        title = QLabel("My hours")
        title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.layout_.addWidget(title)
        self.status = QLabel()
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.hours: HoursEditor | None = None
        self.time_off: TimeOffEditor | None = None
        self.errors = FieldErrors(error())
        trainer = admin.feed.directory.trainer_for_user(user_id)
        if trainer is None:
            note = QLabel("Your account is not linked to a trainer, so there are no working hours to set. "
                          "An administrator can link it under Administration ▸ Staff accounts.")
            note.setWordWrap(True)
            self.layout_.addWidget(note)
        else:
            self.trainer_id = trainer.id
            intro = QLabel(f"When you work, as {trainer.name}. Bookings outside these hours or in your "
                           "time off are refused; the schedule shades them.")
            intro.setWordWrap(True)
            intro.setProperty("role", "hint")
            self.hours = HoursEditor()
            self.hours.set_hours(trainer.hours)
            self.save_button = QPushButton("Save my hours")
            self.save_button.clicked.connect(self.save)
            row = QHBoxLayout()
            row.addWidget(self.save_button)
            row.addStretch(1)
            self.time_off = TimeOffEditor(admin, trainer.id)
            self.layout_.addWidget(intro)
            self.layout_.addWidget(self.hours)
            self.layout_.addWidget(self.errors.general)
            self.layout_.addLayout(row)
            heading = QLabel("Time off")
            heading.setStyleSheet("font-weight: 600;")
            self.layout_.addWidget(heading)
            self.layout_.addWidget(self.time_off)
        self.layout_.addWidget(self.status)
        self.layout_.addStretch(1)
        self.told.connect(lambda text, _e: self.status.setText(text))
        self.errors.clear()

    def refresh(self) -> None:
        if self.time_off is not None:
            self.time_off.refresh()

    def save(self) -> None:
        if self.hours is None:
            return
        self.errors.clear()
        hours = self.hours.hours()
        if hours is not None:
            spawn(self._save(hours))

    async def _save(self, hours: list[tuple[int, str, str]]) -> None:
        try:
            outside = await self.admin.set_hours(self.trainer_id, hours)
        except FAILURES as exc:
            self.errors.show(exc)
        else:
            if outside:
                self.told.emit(f"Your hours were saved, but {outside_words(outside)}", True)
            else:
                self.told.emit("Your hours were saved.", False)
