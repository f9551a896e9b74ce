"""The set-up assistant's pages that add entries one by one, each saved at once:
rooms, session types, trainers (in the trainer dialog) and staff accounts (with
the one-time password shown once). The last page's Finish marks set-up complete."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
)

from ...core.admin import NewAccount
from ...core.outcomes import FAILURES
from ..settings_pages.form import error
from ..tasks import spawn
from .account_dialogs import NewAccountDialog
from .color_field import ColorField
from .csv_files import CsvFiles
from .one_time_password import OneTimePasswordDialog
from .places import places_field, places_words
from .setup_pages import AssistantPage, EnterAdds
from .trainer_dialog import TrainerDialog

if TYPE_CHECKING:
    from .setup_wizard import SetupWizard


class ListStep(AssistantPage):
    """A page that adds entries one by one (each saved at once) and lists what is there."""

    def __init__(self, wizard: SetupWizard, title: str, subtitle: str, csv_table: str = "") -> None:
        super().__init__(wizard, title, subtitle)
        self.list = QListWidget()
        self.list.setAccessibleName(title)
        self.list.setMaximumHeight(130)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add)
        #: "Import from a CSV file…" on the rooms, types and trainers pages.
        self.csv = CsvFiles(self.admin, self)
        self.csv.closed.connect(self.refresh)
        self.csv.told.connect(lambda text, failed: self.errors.say(text) if failed else None)
        self.import_button: QPushButton | None = None
        if csv_table:
            self.import_button = QPushButton("Import from a CSV file…")
            self.import_button.clicked.connect(lambda: self.csv.choose_import(csv_table))

    def entries(self) -> list[str]:
        return []

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        if self.import_button is not None:
            row.addWidget(self.import_button)
        return row

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
        super().__init__(wizard, "Rooms", "Where sessions take place. A room holds one session at a "
                         "time, unless you say it holds more (a floor several trainers share).", "rooms")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Studio A")
        self.name.setAccessibleName("Room name")
        EnterAdds(self.name, self.add)
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 500)
        self.capacity.setSuffix(" people")
        self.capacity.setAccessibleName("Capacity")
        self.capacity.setMaximumWidth(140)
        self.at_once = QSpinBox()
        self.at_once.setRange(1, 50)
        self.at_once.setSuffix(" at once")
        self.at_once.setAccessibleName("Sessions at the same time")
        self.at_once.setMaximumWidth(140)
        self.add_button.setText("Add room")
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("", self.errors.add("name", error(), self.name))
        form.addRow("Holds:", self.capacity)
        form.addRow("", self.errors.add("capacity", error(), self.capacity))
        form.addRow("Sessions:", self.at_once)
        form.addRow("", self.errors.add("sessions_at_once", error(), self.at_once))
        form.addRow("", self._button_row())
        self.body.addWidget(self.list)
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.finish_layout()

    def entries(self) -> list[str]:
        return [f"{r.name} — {r.capacity} {'person' if r.capacity == 1 else 'people'}"
                + (f", {r.sessions_at_once} sessions at once" if r.sessions_at_once > 1 else "")
                for r in self.admin.feed.directory.active_locations()]

    def request(self) -> Awaitable[Any]:
        name = self.name.text().strip()
        if not name:
            self.errors.say("Type the room's name.", "name")
            raise ValueError
        return self.admin.create_room(name, self.capacity.value(), self.at_once.value())

    def added(self) -> None:
        self.name.clear()
        self.capacity.setValue(1)
        self.at_once.setValue(1)
        self.name.setFocus()


class TypesPage(ListStep):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Session types", "What clients book: its usual length, colour, credits "
                         "and how many clients a session holds.",
                         "session_types")
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
        self.capacity = places_field()
        self.capacity.setMaximumWidth(180)
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
        form.addRow("Clients:", self.capacity)
        form.addRow("", self.errors.add("capacity", error(), self.capacity))
        form.addRow("", self._button_row())
        self.body.addWidget(self.list)
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.finish_layout()

    def _sample(self, name: str) -> None:
        self.color.set_sample((name.strip() or "Session") + " · 09:00")

    def entries(self) -> list[str]:
        return [f"{t.name} — {t.duration_min} min, {t.credits} credit{'s' if t.credits != 1 else ''}, "
                f"{places_words(t.capacity)}" for t in self.admin.feed.directory.active_session_types()]

    def request(self) -> Awaitable[Any]:
        name = self.name.text().strip()
        if not name:
            self.errors.say("Type the session type's name.", "name")
            raise ValueError
        if not self.color.acceptable():
            self.errors.say("Choose a colour that session text can be read on.", "color")
            raise ValueError
        return self.admin.create_type(name, duration_min=self.duration.value(), color=self.color.color(),
                                      credits=self.credits.value(), capacity=self.capacity.value())

    def added(self) -> None:
        self.name.clear()
        self.capacity.setValue(1)
        self.name.setFocus()


class DialogStep(ListStep):
    """A page whose Add opens a dialog (trainers, accounts)."""

    def __init__(self, wizard: SetupWizard, title: str, subtitle: str, button: str,
                 csv_table: str = "") -> None:
        super().__init__(wizard, title, subtitle, csv_table)
        self.add_button.setText(button)
        self.add_button.clicked.disconnect()
        self.add_button.clicked.connect(self.open_dialog)
        self.dialog: Any = None
        self.body.addWidget(self.list)
        self.body.addLayout(self._button_row())

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
                         "Add a trainer…", "trainers")
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
