"""Staff accounts: create one (its one-time password shown once, with Copy),
reset a password, change the role or the linked trainer, and deactivate or
reactivate — each after a question. Deactivating signs the person out on every
desktop at once (the server closes their connections)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.accounts import Account
from ...core.admin import AdminClient, NewAccount
from ...core.outcomes import FAILURES, outcome_of
from ..tasks import spawn
from .account_dialogs import EditAccountDialog, NewAccountDialog
from .models import AccountModel
from .one_time_password import OneTimePasswordDialog


class AccountsPage(QWidget):
    told = Signal(str, bool)

    def __init__(self, admin: AdminClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = admin
        self.setAccessibleName("Staff accounts")
        title = QLabel("Staff accounts")
        title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        note = QLabel("Everyone who signs in to Swan. A new account gets a one-time password to hand over; "
                      "deactivating signs the person out everywhere at once.")
        note.setWordWrap(True)
        note.setProperty("role", "hint")
        self.model = AccountModel(lambda tid: admin.feed.directory.trainer_name(tid) if tid else "")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Staff accounts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.create_button = self._button("New account…", self.new_account)
        self.edit_button = self._button("Change…", self.edit)
        self.reset_button = self._button("Reset password…", self.ask_reset)
        self.active_button = self._button("Deactivate…", self.ask_toggle_active)
        row = QHBoxLayout()
        for b in (self.create_button, self.edit_button, self.reset_button, self.active_button):
            row.addWidget(b)
        row.addStretch(1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.told.connect(lambda text, _error: self.status.setText(text))
        self.question: QMessageBox | None = None
        self.dialog: QDialog | None = None
        #: The one-time password on screen, if any.
        self.password_dialog: OneTimePasswordDialog | None = None
        self._key: tuple[Any, ...] | None = None
        admin.accounts.listeners.append(self.refresh)
        self.destroyed.connect(lambda: self._forget())
        self.refresh()

    def _forget(self) -> None:
        if self.refresh in self.admin.accounts.listeners:
            self.admin.accounts.listeners.remove(self.refresh)

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(lambda _=False: slot())
        return button

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.load()  # user names of accounts made elsewhere (events do not carry them)

    def load(self) -> None:
        spawn(self._guard(self._load(), "Could not load the staff accounts"))

    async def _load(self) -> None:
        await self.admin.load_accounts()

    def refresh(self) -> None:
        rows = self.admin.accounts.all()
        trainers = self.admin.feed.directory.trainers
        key = (tuple(rows), tuple(sorted((t.id, t.name) for t in trainers.values())))
        if key == self._key:
            return
        chosen = self.current()
        self._key = key
        self.model.set_rows(rows)
        if chosen is not None:
            self.select(chosen.id)
        self._enable()

    def current(self) -> Account | None:
        selected = self.table.selectionModel().selectedRows()
        return self.model.row_of(selected[0].row()) if selected else None

    def select(self, account_id: int) -> bool:
        for row in range(self.model.rowCount()):
            account = self.model.row_of(row)
            if account is not None and account.id == account_id:
                self.table.selectRow(row)
                return True
        return False

    def _enable(self) -> None:
        account = self.current()
        for b in (self.edit_button, self.reset_button, self.active_button):
            b.setEnabled(account is not None)
        words = "Reactivate…" if account is not None and not account.active else "Deactivate…"
        self.active_button.setText(words)
        self.active_button.setAccessibleName(words.rstrip("…"))

    # -- create, change --------------------------------------------------------------
    def new_account(self, trainer_id: int | None = None, name: str = "") -> NewAccountDialog:
        dialog = NewAccountDialog(self.admin, self, trainer_id, name)
        dialog.saved.connect(self._created)
        self._open(dialog)
        return dialog

    def _created(self, new: NewAccount) -> None:
        self.refresh()
        self.select(new.account.id)
        self.told.emit(f"{new.account.name}'s account was created.", False)
        self.show_password(new.account, new.password)

    def show_password(self, account: Account, password: str) -> OneTimePasswordDialog:
        dialog = self.password_dialog = OneTimePasswordDialog(account.name, account.username, password, self)
        dialog.finished.connect(lambda _r: setattr(self, "password_dialog", None))
        dialog.open()
        return dialog

    def edit(self) -> None:
        account = self.current()
        if account is not None:
            dialog = EditAccountDialog(self.admin, account, self)
            dialog.saved.connect(self._changed)
            self._open(dialog)

    def _changed(self, account: Account) -> None:
        self.refresh()
        self.told.emit(f"{account.name}'s account was changed.", False)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()

    # -- questions -------------------------------------------------------------------
    def ask_reset(self) -> None:
        account = self.current()
        if account is None:
            return
        self._ask(f"Reset {account.name}'s password",
                  f"Make a new one-time password for {account.name}? Their current password stops "
                  "working and they are signed out everywhere.", "Reset password",
                  lambda: self.reset(account))

    def reset(self, account: Account) -> None:
        async def run() -> None:
            password = await self.admin.reset_password(account.id)
            self.told.emit(f"{account.name}'s password was reset.", False)
            self.show_password(account, password)
        spawn(self._guard(run(), f"Could not reset {account.name}'s password"))

    def ask_toggle_active(self) -> None:
        account = self.current()
        if account is None:
            return
        if account.active:
            self._ask(f"Deactivate {account.name}",
                      f"Deactivate {account.name}'s account? They are signed out on every computer at once "
                      "and cannot sign in until it is reactivated. Their sessions stay on the schedule.",
                      "Deactivate", lambda: self.set_active(account, False))
        else:
            self._ask(f"Reactivate {account.name}",
                      f"Reactivate {account.name}'s account? They can sign in again with their password "
                      "(reset it if they no longer know it).", "Reactivate",
                      lambda: self.set_active(account, True))

    def set_active(self, account: Account, active: bool) -> None:
        async def run() -> None:
            await self.admin.update_account(account.id, active=active)
            self.refresh()
            self.told.emit(f"{account.name} was {'reactivated' if active else 'deactivated'}.", False)
        spawn(self._guard(run(), f"Could not change {account.name}'s account"))

    def _ask(self, title: str, text: str, yes: str, then: Callable[[], None]) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self)
        box.setAccessibleName(title)
        go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered() -> None:
            if self.question is box:
                self.question = None
            if box.clickedButton() is go:
                then()
            box.deleteLater()

        box.finished.connect(lambda _r: answered())
        self.question = box
        box.open()
        return box

    async def _guard(self, op: Awaitable[None], failed: str) -> None:
        try:
            await op
        except FAILURES as exc:
            self.told.emit(f"{failed}: {outcome_of(exc).message}", True)
