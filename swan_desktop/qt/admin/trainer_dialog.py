"""Add or edit a trainer: name, colour (with its contrast), specialties, the linked
staff account, working hours per weekday with breaks, and — for a trainer the
server already has — the time off list."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ...core.admin import AdminClient
from ...protocol.entities import Trainer
from .color_field import ColorField
from .form_dialog import FormDialog
from .hours_editor import HoursEditor
from .places import outside_words
from .time_off_editor import TimeOffEditor


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class TrainerDialog(FormDialog):
    def __init__(self, admin: AdminClient, trainer: Trainer | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit trainer" if trainer else "Add a trainer", parent,
                         save_text="Save" if trainer else "Add trainer")
        self.admin = admin
        self.trainer = trainer
        self.name = QLineEdit(trainer.name if trainer else "")
        self.name.setAccessibleName("Name")
        self.name.setPlaceholderText("e.g. Ana Kowalski")
        self.color = ColorField(trainer.color if trainer else "#1f5f8b",
                                sample=(trainer.name if trainer else "Trainer") + " · 09:00")
        self.name.textChanged.connect(lambda t: self._sample(t))
        self.specialties = QLineEdit(", ".join(trainer.specialties) if trainer else "")
        self.specialties.setPlaceholderText("e.g. strength, mobility (separate with commas)")
        self.specialties.setAccessibleName("Specialties")
        self.account = QComboBox()
        self.account.setAccessibleName("Staff account")
        self.account.addItem("No staff account", None)
        for account in admin.accounts.all():
            self.account.addItem(f"{account.name} ({account.username})", account.id)
        if trainer and trainer.user_id is not None:
            index = self.account.findData(trainer.user_id)
            if index < 0:
                self.account.addItem(admin.feed.directory.user_name(trainer.user_id), trainer.user_id)
                index = self.account.count() - 1
            self.account.setCurrentIndex(index)
        self.hours = HoursEditor()
        self.hours.set_hours(trainer.hours if trainer else ())
        self.row("Name:", self.name, "name")
        self.row("Colour:", self.color, "color")
        self.row("Specialties:", self.specialties, "specialties")
        self.row("Staff account:", self.account, "user_id")
        self.row("Working hours:", self.hours, "hours")
        self.time_off: TimeOffEditor | None = None
        if trainer is not None:
            self.time_off = TimeOffEditor(admin, trainer.id)
            self.row("Time off:", self.time_off)
        self.resize(700, 0)

    def _sample(self, name: str) -> None:
        self.color.set_sample((name.strip() or "Trainer") + " · 09:00")

    def submit(self) -> Any:
        name = self.name.text().strip()
        if not name:
            self.errors.say("A trainer needs a name.", "name")
            return None
        if not self.color.acceptable():
            self.errors.say("Choose a colour that session text can be read on.", "color")
            return None
        hours = self.hours.hours()
        if hours is None:
            return None
        return self._save_all(name, hours)

    async def _save_all(self, name: str, hours: list[tuple[int, str, str]]) -> Trainer:
        values: dict[str, Any] = {"name": name, "color": self.color.color(),
                                  "specialties": split_list(self.specialties.text()),
                                  "user_id": self.account.currentData()}
        if self.trainer is None:
            trainer = await self.admin.create_trainer(
                name, color=values["color"], specialties=values["specialties"], user_id=values["user_id"])
            self.trainer = trainer  # a second Save after a refused hours edit updates it
        else:
            old = self.trainer
            before = {"name": old.name, "color": old.color, "specialties": list(old.specialties),
                      "user_id": old.user_id}
            changes = {k: v for k, v in values.items() if before[k] != v}
            trainer = await self.admin.update_trainer(old.id, **changes) if changes else old
        if tuple(sorted(hours)) != tuple(sorted(trainer.hours)):
            outside = await self.admin.set_hours(trainer.id, hours)
            if outside:
                self.warning = f"{trainer.name} saved, but {outside_words(outside)}"
        return self.admin.feed.directory.trainers.get(trainer.id, trainer)
