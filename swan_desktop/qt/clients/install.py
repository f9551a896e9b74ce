"""Puts the clients feature into the main window: the Clients tab (every role; viewers
read only), a group session's clients in the schedule's session details,
"Book for this client", which opens the session editor with the client chosen, and
for admins Administration ▸ Client emails (reminders and the studio's mail server)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QTabWidget

from ...core.client import StudioClient
from ...protocol.entities import Role
from ..dialogs.session_dialog import SessionDialog
from ..main_window import MainWindow
from ..schedule_pane import SchedulePane
from .emails_page import ClientEmailsPage
from .group_panel import GroupPanel
from .pane import ClientsPane

TOLD_FOR_MS = 8000


class ClientsArea(QObject):
    def __init__(self, window: MainWindow, schedule: SchedulePane, client: StudioClient,
                 administration: QTabWidget | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.schedule = schedule
        user = client.user
        role = user.role if user is not None else Role.VIEWER
        trainer = client.store.directory.trainer_for_user(user.id) if user is not None else None
        settings = lambda: client.collab.settings  # noqa: E731 - kept current by studio:settings-changed
        self.pane = ClientsPane(client.clients, lambda: client.store.directory, is_admin=role is Role.ADMIN,
                                can_edit=role is not Role.VIEWER,
                                own_trainer=trainer.id if trainer is not None else None, settings=settings)
        self.pane.told.connect(self.tell)
        self.pane.bookRequested.connect(self.book_for)
        window.add_pane(self.pane, "Clients")
        self.group = GroupPanel(client.clients, client.store, settings, can_edit=role is not Role.VIEWER)
        self.group.told.connect(self.tell)
        schedule.details.add_section(self.group)
        schedule.sessionSelected.connect(self.group.show_session)
        self.emails: ClientEmailsPage | None = None
        if role is Role.ADMIN and administration is not None:
            self.emails = ClientEmailsPage(client.clients)
            self.emails.told.connect(self.tell)
            administration.addTab(self.emails, "Client emails")

    def start(self) -> None:
        self.pane.load()
        if self.emails is not None:
            self.emails.load()

    def stop(self) -> None:
        self.pane.stop()
        self.group.stop()

    def tell(self, text: str, error: bool = False) -> None:
        self.window.statusBar().showMessage(text, TOLD_FOR_MS * (2 if error else 1))

    def book_for(self, client_id: int, name: str) -> SessionDialog | None:
        """The schedule, with the session editor open on a new session for this client."""
        self.window.tabs.setCurrentWidget(self.schedule)
        return book_in(self.schedule, client_id, name)


def book_in(schedule: SchedulePane, client_id: int, name: str) -> SessionDialog | None:
    dialog = schedule.open_new()
    if dialog is None:
        return None
    combo = dialog.form.client_combo
    index = combo.findData(client_id)
    if index >= 0:
        combo.setCurrentIndex(index)
    else:
        combo.setEditText(name)
    return dialog


def install(window: MainWindow, schedule: SchedulePane, client: StudioClient,
            administration: QTabWidget | None = None) -> ClientsArea:
    area = ClientsArea(window, schedule, client, administration)
    area.start()
    return area
