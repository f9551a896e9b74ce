"""The set-up assistant: a new studio's first steps, page by page.

Opened (with ``open()``) when an admin signs in and ``studio.setup.get`` says
set-up is needed. Pages: the studio's name; its time zone; opening hours;
rooms; session types; trainers with their working hours; staff accounts. Every
page can be skipped and everything is editable later under Administration.
Next saves the page first (without blocking: the page moves on when the server
has it, or shows the refusal next to the field); rooms, types, trainers and
accounts are saved one by one as they are added. Finish marks set-up complete
(``studio.setup.set {setup_complete: true}``).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...core.admin import AdminClient, NewAccount
from ...core.outcomes import FAILURES
from ...core.wallclock import local_zone
from ..settings_pages.form import error
from ..tasks import spawn
from .account_dialogs import NewAccountDialog
from .color_field import ColorField
from .field_errors import FieldErrors
from .hours_editor import HoursEditor
from .one_time_password import OneTimePasswordDialog
from .trainer_dialog import TrainerDialog
from .zone_picker import ZonePicker

LATER = "You can skip this and change it later under Administration."


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "hint")
    return label


class EnterAdds(QObject):
    """Enter in an entry field adds the entry (and does not press Next)."""

    def __init__(self, field: QLineEdit, add: Callable[[], None]) -> None:
        super().__init__(field)
        self.add = add
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.add()
            return True
        return False


class AssistantPage(QWizardPage):
    """A page whose Next first saves it (``save`` returns the request, or None for nothing to send)."""

    def __init__(self, wizard: SetupWizard, title: str, subtitle: str) -> None:
        super().__init__()
        self.assistant = wizard
        self.admin = wizard.admin
        self.setTitle(title)
        self.setSubTitle(f"{subtitle} {LATER}")
        self.errors = FieldErrors(error())
        self.body = QVBoxLayout(self)
        self._saved = False

    def finish_layout(self) -> None:
        self.body.addWidget(self.errors.general)
        self.errors.clear()

    def save(self) -> Awaitable[Any] | None:
        return None

    def initializePage(self) -> None:
        self._saved = False

    def validatePage(self) -> bool:
        if self._saved or self.assistant.skipping:
            return True
        self.errors.clear()
        try:
            request = self.save()
        except ValueError:
            return False  # shown on the page already
        if request is None:
            return True
        self.assistant.busy(True)
        spawn(self._send(request))
        return False

    async def _send(self, request: Awaitable[Any]) -> None:
        try:
            await request
        except FAILURES as exc:
            self.errors.show(exc)
            self.assistant.busy(False)
            return
        self.assistant.busy(False)
        self._saved = True
        if self.assistant.currentPage() is self:
            self.assistant.next_or_finish()


class NamePage(AssistantPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Your studio", "The name shown at the top of schedules and printouts.")
        self.name = QLineEdit(self.admin.feed.directory.studio.name)
        self.name.setPlaceholderText("e.g. Swan Personal Training")
        self.name.setAccessibleName("Studio name")
        self.body.addWidget(QLabel("Studio name:"))
        self.body.addWidget(self.name)
        self.body.addWidget(self.errors.add("name", error(), self.name))
        self.body.addStretch(1)
        self.finish_layout()

    def save(self) -> Awaitable[Any] | None:
        name = self.name.text().strip()
        if not name:
            self.errors.say("Type the studio's name, or press Skip.", "name")
            raise ValueError
        return self.admin.set_studio(name=name)


class ZonePage(AssistantPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Time zone",
                         "Sessions are shown on the studio's clock, on every computer, even across "
                         "daylight-saving changes.")
        here = local_zone()
        guess = self.admin.feed.directory.studio.timezone or (
            here.key if isinstance(here, zoneinfo.ZoneInfo) else "")
        self.picker = ZonePicker(guess)
        self.body.addWidget(self.picker, 1)
        self.body.addWidget(self.errors.add("timezone", error(), self.picker))
        self.finish_layout()

    def save(self) -> Awaitable[Any] | None:
        zone = self.picker.zone()
        if not zone:
            self.errors.say("Choose the studio's time zone from the list, or press Skip.", "timezone")
            raise ValueError
        return self.admin.set_studio(timezone=zone)


class OpeningPage(AssistantPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Opening hours",
                         "When the studio is open. Leave a day empty when it is closed.")
        self.hours = HoursEditor("e.g. 07:00–21:00 (empty: closed)")
        self.hours.set_hours(self.admin.feed.directory.studio.opening_hours)
        quick = QPushButton("Weekdays 07:00–21:00")
        quick.clicked.connect(lambda: self.hours.fill_weekdays("07:00–21:00"))
        row = QHBoxLayout()
        row.addWidget(quick)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addWidget(self.hours)
        self.body.addWidget(self.errors.add("opening_hours", error(), self.hours))
        self.body.addStretch(1)
        self.finish_layout()

    def save(self) -> Awaitable[Any] | None:
        hours = self.hours.hours()
        if hours is None:
            raise ValueError
        return self.admin.set_studio(opening_hours=hours) if hours else None


class ListStep(AssistantPage):
    """A page that adds entries one by one (each saved at once) and lists what is there."""

    def __init__(self, wizard: SetupWizard, title: str, subtitle: str) -> None:
        super().__init__(wizard, title, subtitle)
        self.list = QListWidget()
        self.list.setAccessibleName(title)
        self.list.setMaximumHeight(130)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add)

    def entries(self) -> list[str]:
        return []

    def refresh(self) -> None:
        self.list.clear()
        self.list.addItems(self.entries())

    def initializePage(self) -> None:
        super().initializePage()
        self.refresh()

    def add(self) -> None:
        self.errors.clear()
        try:
            request = self.request()
        except ValueError:
            return
        spawn(self._add(request))

    def request(self) -> Awaitable[Any]:
        raise NotImplementedError

    def added(self) -> None:
        """Clear the fields for the next entry."""

    async def _add(self, request: Awaitable[Any]) -> None:
        self.add_button.setEnabled(False)
        try:
            await request
        except FAILURES as exc:
            self.errors.show(exc)
        else:
            self.added()
        finally:
            self.add_button.setEnabled(True)
            self.refresh()


class RoomsPage(ListStep):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Rooms", "Where sessions take place; two sessions cannot share a room.")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Studio A")
        self.name.setAccessibleName("Room name")
        EnterAdds(self.name, self.add)
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 500)
        self.capacity.setSuffix(" people")
        self.capacity.setAccessibleName("Capacity")
        self.add_button.setText("Add room")
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("", self.errors.add("name", error(), self.name))
        form.addRow("Holds:", self.capacity)
        form.addRow("", self.errors.add("capacity", error(), self.capacity))
        form.addRow("", self.add_button)
        self.body.addWidget(self.list)
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.finish_layout()

    def entries(self) -> list[str]:
        return [f"{r.name} — {r.capacity} {'person' if r.capacity == 1 else 'people'}"
                for r in self.admin.feed.directory.active_locations()]

    def request(self) -> Awaitable[Any]:
        name = self.name.text().strip()
        if not name:
            self.errors.say("Type the room's name.", "name")
            raise ValueError
        return self.admin.create_room(name, self.capacity.value())

    def added(self) -> None:
        self.name.clear()
        self.capacity.setValue(1)
        self.name.setFocus()


class TypesPage(ListStep):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Session types", "What clients book: its usual length, colour and credits.")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Personal training")
        self.name.setAccessibleName("Type name")
        EnterAdds(self.name, self.add)
        self.duration = QSpinBox()
        self.duration.setRange(5, 24 * 60)
        self.duration.setSingleStep(15)
        self.duration.setValue(60)
        self.duration.setSuffix(" min")
        self.duration.setAccessibleName("Duration")
        self.credits = QSpinBox()
        self.credits.setRange(0, 100)
        self.credits.setValue(1)
        self.credits.setSuffix(" credits")
        self.credits.setAccessibleName("Credits")
        self.color = ColorField("#00707a", sample="Session · 09:00")
        self.name.textChanged.connect(self._sample)
        self.add_button.setText("Add type")
        numbers = QHBoxLayout()
        numbers.addWidget(self.duration)
        numbers.addWidget(self.credits)
        numbers.addStretch(1)
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("", self.errors.add("name", error(), self.name))
        form.addRow("Length:", numbers)
        form.addRow("", self.errors.add("duration_min", error(), self.duration))
        form.addRow("Colour:", self.color)
        form.addRow("", self.errors.add("color", error(), self.color))
        form.addRow("", self.add_button)
        self.body.addWidget(self.list)
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.finish_layout()

    def _sample(self, name: str) -> None:
        self.color.set_sample((name.strip() or "Session") + " · 09:00")

    def entries(self) -> list[str]:
        return [f"{t.name} — {t.duration_min} min, {t.credits} credit{'s' if t.credits != 1 else ''}"
                for t in self.admin.feed.directory.active_session_types()]

    def request(self) -> Awaitable[Any]:
        name = self.name.text().strip()
        if not name:
            self.errors.say("Type the session type's name.", "name")
            raise ValueError
        if not self.color.acceptable():
            self.errors.say("Choose a colour that session text can be read on.", "color")
            raise ValueError
        return self.admin.create_type(name, duration_min=self.duration.value(), color=self.color.color(),
                                      credits=self.credits.value())

    def added(self) -> None:
        self.name.clear()
        self.name.setFocus()


class DialogStep(ListStep):
    """A page whose Add opens a dialog (trainers, accounts)."""

    def __init__(self, wizard: SetupWizard, title: str, subtitle: str, button: str) -> None:
        super().__init__(wizard, title, subtitle)
        self.add_button.setText(button)
        self.add_button.clicked.disconnect()
        self.add_button.clicked.connect(self.open_dialog)
        self.dialog: Any = None
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        self.body.addWidget(self.list)
        self.body.addLayout(row)

    def make_dialog(self) -> Any:
        raise NotImplementedError

    def open_dialog(self) -> Any:
        dialog = self.dialog = self.make_dialog()
        dialog.saved.connect(self._saved_in_dialog)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def _saved_in_dialog(self, result: Any) -> None:
        self.refresh()
        self.on_saved(result)

    def on_saved(self, result: Any) -> None:
        """What else follows a saved dialog."""


class TrainersPage(DialogStep):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Trainers",
                         "Who gives sessions, their colour on the schedule and when they work.",
                         "Add a trainer…")
        self.body.addStretch(1)
        self.finish_layout()

    def entries(self) -> list[str]:
        out = []
        for t in self.admin.feed.directory.sorted_trainers():
            days = sorted({w for w, _s, _e in t.hours})
            names = ", ".join(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d] for d in days)
            out.append(f"{t.name} — {names or 'hours not set'}")
        return out

    def make_dialog(self) -> TrainerDialog:
        return TrainerDialog(self.admin, None, self)


class AccountsStep(DialogStep):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Staff accounts",
                         "Who signs in: trainers see their schedule and set their hours; front-desk staff "
                         "book sessions. Each new account gets a one-time password, shown once.",
                         "New account…")
        self.password_dialog: OneTimePasswordDialog | None = None
        self.body.addStretch(1)
        self.finish_layout()

    def initializePage(self) -> None:
        super().initializePage()
        spawn(self._load())

    async def _load(self) -> None:
        try:
            await self.admin.load_accounts()
        except FAILURES as exc:
            self.errors.show(exc)
        self.refresh()

    def entries(self) -> list[str]:
        return [f"{a.name} ({a.username}) — {a.role}" for a in self.admin.accounts.all()]

    def make_dialog(self) -> NewAccountDialog:
        return NewAccountDialog(self.admin, self)

    def on_saved(self, result: Any) -> None:
        if isinstance(result, NewAccount):
            dialog = self.password_dialog = OneTimePasswordDialog(
                result.account.name, result.account.username, result.password, self)
            dialog.finished.connect(lambda _r: setattr(self, "password_dialog", None))
            dialog.open()

    def save(self) -> Awaitable[Any] | None:
        return self.admin.set_studio(setup_complete=True)  # Finish: set-up is done


class SetupWizard(QWizard):
    """``completed`` is emitted once the server has set-up marked complete."""

    completed = Signal()

    def __init__(self, admin: AdminClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = admin
        self.setWindowTitle("Set up your studio")
        self.setAccessibleName("Set up your studio")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, "Skip")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.customButtonClicked.connect(lambda _which: self.skip())
        self.skipping = False
        self.name_page = NamePage(self)
        self.zone_page = ZonePage(self)
        self.opening_page = OpeningPage(self)
        self.rooms_page = RoomsPage(self)
        self.types_page = TypesPage(self)
        self.trainers_page = TrainersPage(self)
        self.accounts_page = AccountsStep(self)
        self.steps: list[AssistantPage] = [self.name_page, self.zone_page, self.opening_page, self.rooms_page,
                                           self.types_page, self.trainers_page, self.accounts_page]
        for page in self.steps:
            self.addPage(page)
        self.currentIdChanged.connect(lambda _id: self._skip_shown())
        self.resize(720, 600)
        self._skip_shown()

    def _skip_shown(self) -> None:
        last = self.currentPage() is self.accounts_page
        self.button(QWizard.WizardButton.CustomButton1).setVisible(not last)

    def busy(self, on: bool) -> None:
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton,
                      QWizard.WizardButton.CustomButton1):
            self.button(which).setEnabled(not on)

    def skip(self) -> None:
        """Leave this page as it is and go on."""
        self.skipping = True
        try:
            self.next()
        finally:
            self.skipping = False

    def next_or_finish(self) -> None:
        if self.currentPage() is self.accounts_page:
            self.completed.emit()
            self.accept()
        else:
            self.next()

    def page_titles(self) -> list[str]:
        return [p.title() for p in self.steps]


