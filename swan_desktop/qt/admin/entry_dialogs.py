"""Add or edit a room (name, capacity, sessions at once) or a session type (name, duration, colour,
credits, clients per session). Archiving is on the pages; changing a type never rewrites past sessions."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox, QWidget

from ...core.admin import AdminClient
from ...protocol.entities import Location, SessionType
from .color_field import ColorField
from .form_dialog import FormDialog
from .places import HINT, over_words, places_field, room_over_words

TYPE_NOTE = ("Changes apply to new bookings. Sessions already booked keep their type and "
             "their length; credits already taken are not recounted.")


class RoomDialog(FormDialog):
    def __init__(self, admin: AdminClient, room: Location | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit room" if room else "Add a room", parent, "Save" if room else "Add room")
        self.admin = admin
        self.room = room
        self.name = QLineEdit(room.name if room else "")
        self.name.setAccessibleName("Name")
        self.name.setPlaceholderText("e.g. Studio A")
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 500)
        self.capacity.setValue(room.capacity if room else 1)
        self.capacity.setSuffix(" people")
        self.capacity.setAccessibleName("Capacity")
        self.at_once = QSpinBox()
        self.at_once.setRange(1, 50)
        self.at_once.setValue(room.sessions_at_once if room else 1)
        self.at_once.setSuffix(" at once")
        self.at_once.setAccessibleName("Sessions at the same time")
        self.at_once.setToolTip("How many sessions can run in this room at the same time: 1 for a "
                                "private room, more for a floor several trainers share")
        self.row("Name:", self.name, "name")
        self.row("Capacity:", self.capacity, "capacity")
        self.row("Sessions:", self.at_once, "sessions_at_once")
        hint = QLabel("More than one session at the same time here is a clash, unless the room "
                      "holds more (a floor several trainers share).")
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.form.addRow("", hint)
        self.resize(380, 0)

    def submit(self) -> Any:
        name = self.name.text().strip()
        if not name:
            self.errors.say("A room needs a name.", "name")
            return None
        if self.room is None:
            return self.admin.create_room(name, self.capacity.value(), self.at_once.value())
        changes = {k: v for k, v in (("name", name), ("capacity", self.capacity.value()),
                                     ("sessions_at_once", self.at_once.value()))
                   if getattr(self.room, k) != v}
        return self._change(self.room.id, changes) if changes else _same(self.room)

    async def _change(self, room_id: int, changes: dict[str, Any]) -> Location:
        room, over = await self.admin.change_room(room_id, **changes)
        if over:
            self.warning = room_over_words(room.name, room.sessions_at_once, over)
        return room


class TypeDialog(FormDialog):
    def __init__(self, admin: AdminClient, session_type: SessionType | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit session type" if session_type else "Add a session type", parent,
                         "Save" if session_type else "Add type")
        self.admin = admin
        self.session_type = st = session_type
        self.name = QLineEdit(st.name if st else "")
        self.name.setAccessibleName("Name")
        self.name.setPlaceholderText("e.g. Personal training")
        self.duration = QSpinBox()
        self.duration.setRange(5, 24 * 60)
        self.duration.setSingleStep(15)
        self.duration.setSuffix(" min")
        self.duration.setValue(st.duration_min if st else 60)
        self.duration.setAccessibleName("Duration")
        self.color = ColorField(st.color if st else "#00707a",
                                sample=(st.name if st else "Session") + " · 09:00")
        self.name.textChanged.connect(lambda t: self.color.set_sample((t.strip() or "Session") + " · 09:00"))
        self.credits = QSpinBox()
        self.credits.setRange(0, 100)
        self.credits.setValue(st.credits if st else 1)
        self.credits.setAccessibleName("Credits")
        self.capacity = places_field(st.capacity if st else 1)
        self.row("Name:", self.name, "name")
        self.row("Duration:", self.duration, "duration_min")
        self.row("Colour:", self.color, "color")
        self.row("Credits:", self.credits, "credits")
        self.row("Clients:", self.capacity, "capacity")
        places = QLabel(HINT)
        places.setWordWrap(True)
        places.setProperty("role", "hint")
        self.form.addRow("", places)
        if st is not None:
            note = QLabel(TYPE_NOTE)
            note.setWordWrap(True)
            note.setProperty("role", "hint")
            self.form.addRow(note)
        self.resize(560, 0)

    def submit(self) -> Any:
        name = self.name.text().strip()
        if not name:
            self.errors.say("A session type needs a name.", "name")
            return None
        if not self.color.acceptable():
            self.errors.say("Choose a colour that session text can be read on.", "color")
            return None
        if self.session_type is None:
            return self.admin.create_type(name, duration_min=self.duration.value(), color=self.color.color(),
                                          credits=self.credits.value(), capacity=self.capacity.value())
        values: dict[str, Any] = {"name": name, "duration_min": self.duration.value(),
                                  "color": self.color.color(), "credits": self.credits.value(),
                                  "capacity": self.capacity.value()}
        old = self.session_type
        changes = {k: v for k, v in values.items() if getattr(old, k) != v}
        return self._change(old.id, changes) if changes else _same(old)

    async def _change(self, type_id: int, changes: dict[str, Any]) -> SessionType:
        session_type, over = await self.admin.change_type(type_id, **changes)
        if over:
            self.warning = over_words(session_type.name, session_type.capacity, over)
        return session_type


async def _same(value: Any) -> Any:
    return value
