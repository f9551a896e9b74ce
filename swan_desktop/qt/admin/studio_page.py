"""Administration ▸ Studio: the studio's name, time zone and opening hours (what
the set-up assistant asked), saved together with ``studio.setup.set``."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...core.admin import AdminClient
from ...core.outcomes import FAILURES
from ..settings_pages.form import error
from ..tasks import spawn
from .field_errors import FieldErrors
from .hours_editor import HoursEditor
from .zone_picker import ZonePicker


class StudioPage(QWidget):
    told = Signal(str, bool)
    assistantRequested = Signal()

    def __init__(self, admin: AdminClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = admin
        self.setAccessibleName("Studio")
        studio = admin.feed.directory.studio
        title = QLabel("Studio")
        title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.name = QLineEdit(studio.name)
        self.name.setAccessibleName("Studio name")
        self.zone = ZonePicker(studio.timezone or admin.feed.directory.timezone)
        self.zone.setMaximumHeight(220)
        self.hours = HoursEditor("e.g. 07:00–21:00 (empty: closed)")
        self.hours.set_hours(studio.opening_hours)
        self.errors = FieldErrors(error())
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("", self.errors.add("name", error(), self.name))
        form.addRow("Time zone:", self.zone)
        form.addRow("", self.errors.add("timezone", error(), self.zone))
        form.addRow("Opening hours:", self.hours)
        form.addRow("", self.errors.add("opening_hours", error(), self.hours))
        self.save_button = QPushButton("Save studio")
        self.save_button.clicked.connect(self.save)
        self.assistant_button = QPushButton("Open the set-up assistant…")
        self.assistant_button.clicked.connect(self.assistantRequested)
        self.status = QLabel()
        self.status.setAccessibleName("Status")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.assistant_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.told.connect(lambda text, _e: self.status.setText(text))
        self.errors.clear()

    def save(self) -> None:
        self.errors.clear()
        hours = self.hours.hours()
        if hours is None:
            return
        name = self.name.text().strip()
        if not name:
            self.errors.say("The studio needs a name.", "name")
            return
        zone = self.zone.zone()
        spawn(self._save(name, zone, hours))

    async def _save(self, name: str, zone: str, hours: list[tuple[int, str, str]]) -> None:
        self.save_button.setEnabled(False)
        try:
            await self.admin.set_studio(name=name, opening_hours=hours, timezone=zone or None)
        except FAILURES as exc:
            self.errors.show(exc)
        else:
            self.told.emit("The studio was saved.", False)
        finally:
            self.save_button.setEnabled(True)
