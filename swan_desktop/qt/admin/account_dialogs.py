"""Create a staff account (its one-time password is shown afterwards) or change
one: name, role and the trainer it is linked to."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from ...core.accounts import Account
from ...core.admin import AdminClient
from .form_dialog import FormDialog

ROLES = (("trainer", "Trainer — sees the schedule, edits their own sessions and hours"),
         ("viewer", "Front desk (viewer) — sees the schedule"),
         ("admin", "Administrator — everything, including this area"))


def role_combo(current: str = "trainer") -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName("Role")
    for value, words in ROLES:
        combo.addItem(words, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def trainer_combo(admin: AdminClient, current: int | None) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName("Trainer")
    combo.addItem("Not a trainer", None)
    for trainer in admin.feed.directory.sorted_trainers():
        combo.addItem(trainer.name, trainer.id)
    if current is not None and combo.findData(current) < 0:
        combo.addItem(admin.feed.directory.trainer_name(current), current)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class NewAccountDialog(FormDialog):
    """Saved with a :class:`~swan_desktop.core.admin.NewAccount` (account and one-time password)."""

    def __init__(self, admin: AdminClient, parent: QWidget | None = None, trainer_id: int | None = None,
                 name: str = "") -> None:
        super().__init__("New staff account", parent, "Create account")
        self.admin = admin
        self.name = QLineEdit(name)
        self.name.setAccessibleName("Name")
        self.name.setPlaceholderText("e.g. Ana Kowalski")
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        self.username.setPlaceholderText("what they type to sign in, e.g. ana")
        self.name.textChanged.connect(self._suggest)
        self.role = role_combo("trainer" if trainer_id is not None else "viewer")
        self.trainer = trainer_combo(admin, trainer_id)
        self.row("Name:", self.name, "name")
        self.row("User name:", self.username, "username")
        self.row("Role:", self.role, "role")
        self.row("Trainer:", self.trainer, "trainer_id")
        note = QLabel("A one-time password is made for the account and shown once, "
                      "for you to hand over.")
        note.setWordWrap(True)
        note.setProperty("role", "hint")
        self.form.addRow(note)
        self._suggested = ""
        self._suggest(name)
        self.resize(460, 0)

    def _suggest(self, name: str) -> None:
        if self.username.text() == self._suggested:
            first = name.strip().split(" ")[0].lower() if name.strip() else ""
            self._suggested = "".join(ch for ch in first if ch.isalnum())
            self.username.setText(self._suggested)

    def submit(self) -> Any:
        name, username = self.name.text().strip(), self.username.text().strip()
        if not name:
            self.errors.say("The account needs the person's name.", "name")
            return None
        if not username:
            self.errors.say("Choose the user name they sign in with.", "username")
            return None
        return self.admin.create_account(username, name, str(self.role.currentData()),
                                         self.trainer.currentData())


class EditAccountDialog(FormDialog):
    def __init__(self, admin: AdminClient, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(f"Change {account.name}'s account", parent)
        self.admin = admin
        self.account = account
        self.name = QLineEdit(account.name)
        self.name.setAccessibleName("Name")
        self.role = role_combo(account.role)
        self.trainer = trainer_combo(admin, account.trainer_id)
        self.form.addRow("User name:", QLabel(account.username))
        self.row("Name:", self.name, "name")
        self.row("Role:", self.role, "role")
        self.row("Trainer:", self.trainer, "trainer_id")
        self.resize(460, 0)

    def submit(self) -> Any:
        values = {"name": self.name.text().strip(), "role": self.role.currentData(),
                  "trainer_id": self.trainer.currentData()}
        if not values["name"]:
            self.errors.say("The account needs the person's name.", "name")
            return None
        changes = {k: v for k, v in values.items() if getattr(self.account, k) != v}
        if not changes:
            return _same(self.account)
        return self.admin.update_account(self.account.id, **changes)


async def _same(value: Any) -> Any:
    return value
