"""A group session's clients in the session details: who is booked (with attendance),
how many places are left, the waitlist, and the changes staff make there.

Each booked client's row has its own "Check in" and "No-show" (``session.checkin``
with the client's id): attendance is kept per client, and each client's credit is
spent once when the session is completed. The waitlist is read from the server
when a session is shown (``waitlist.get``: in order, with when each joined) and
follows ``waitlist:changed``; staff take someone off it with "Remove from waitlist".

Adding a client books a place (``booking.add``); when the session is full the
server says so (``Full``) and the panel offers the waitlist instead. Removing a
client first says in words whether their credit comes back (the studio's
cancellation window). When a place is free and someone waits, the panel offers
it to the first on the waitlist; staff confirm with one click.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.cancellation import window_hours
from ...core.client_records import WaitlistEntry
from ...core.clients import ClientsClient
from ...core.groups import Group, Member, group_of, removal_outlook
from ...core.outcomes import FAILURES, Full, outcome_of
from ...core.schedule import ScheduleStore
from ...domain.workflow import CHECKABLE
from ...protocol.entities import Session
from ..tasks import spawn
from .card import error_label

ATTENDANCE = {"present": "attended", "late": "late", "no_show": "no-show"}
#: What each row's buttons record, and what is said once the server took it.
CHECKIN_ACTIONS = (("Check in", "present", "{} is checked in."),
                   ("No-show", "no_show", "{} is marked a no-show."))


class MemberRow(QWidget):
    """The buttons on a booked client's row (the row's own text names them)."""

    def __init__(self, member: Member, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.member = member
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 2, 0)
        layout.setSpacing(4)
        layout.addStretch(1)
        self.buttons: dict[str, QToolButton] = {}
        for text, attendance, _ in CHECKIN_ACTIONS:
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(member.attendance == attendance)
            button.setAccessibleName(f"{text}: {member.name}")
            layout.addWidget(button)
            self.buttons[attendance] = button


class GroupPanel(QFrame):
    #: ``(text, error)``: what happened.
    told = Signal(str, bool)

    def __init__(self, clients: ClientsClient, store: ScheduleStore,
                 settings: Callable[[], dict[str, str]], *, can_edit: bool = True,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Group session clients")
        self.clients = clients
        self.store = store
        self._settings = settings
        self._now = now
        self.can_edit = can_edit
        self.session_id: int | None = None
        self.question: QMessageBox | None = None
        self.remove_confirm: QAbstractButton | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: 600;")
        self.members = QListWidget()
        self.members.setAccessibleName("Booked clients")
        self.members.setMaximumHeight(140)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self.ask_remove)
        self.picker = QComboBox()
        self.picker.setEditable(True)
        self.picker.setAccessibleName("Client to add")
        line = self.picker.lineEdit()
        if line is not None:
            line.setPlaceholderText("Choose a client to add")
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_chosen)
        self.waitlist = QListWidget()
        self.waitlist.setAccessibleName("Waitlist")
        self.waitlist.setMaximumHeight(90)
        self.leave_button = QPushButton("Remove from waitlist")
        self.leave_button.clicked.connect(self.remove_waiting)
        self.rows: dict[int, MemberRow] = {}
        self.offer = QLabel()
        self.offer.setWordWrap(True)
        self.offer.setStyleSheet("background: #e6f4ea; color: #1e4620; padding: 4px 6px;")
        self.offer_button = QPushButton()
        self.offer_button.clicked.connect(self.accept_offer)
        self.error = error_label()
        row = QHBoxLayout()
        row.addWidget(self.picker, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.members)
        layout.addWidget(self.remove_button)
        layout.addLayout(row)
        self.waitlist_label = QLabel("Waitlist")
        layout.addWidget(self.waitlist_label)
        layout.addWidget(self.waitlist)
        layout.addWidget(self.leave_button)
        layout.addWidget(self.offer)
        layout.addWidget(self.offer_button)
        layout.addWidget(self.error)
        clients.store.listeners.append(self._clients_changed)
        # The store tells of every change on the schedule: a burst becomes one look, and the
        # panel is rebuilt only when what it shows changed.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._follow)
        self._shown: tuple[object, ...] = ()
        store.add_listener(self._timer.start)
        self.hide()

    def stop(self) -> None:
        if self._clients_changed in self.clients.store.listeners:
            self.clients.store.listeners.remove(self._clients_changed)
        self.store.remove_listener(self._timer.start)
        self._timer.stop()

    # -- what is shown ---------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        return self.store.get(self.session_id) if self.session_id is not None else None

    @property
    def group(self) -> Group | None:
        session = self.session
        return group_of(session) if session is not None else None

    def show_session(self, session_id: int | None) -> None:
        fresh = session_id != self.session_id
        if fresh:
            self.error.hide()
        self.session_id = session_id
        self.refresh()
        if fresh and session_id is not None and self.group is not None:
            spawn(self._load_waitlist(session_id))

    def _clients_changed(self, what: str, key: int) -> None:
        if what == "resync" and self.session_id is not None and self.group is not None:
            spawn(self._load_waitlist(self.session_id))
        if (what == "waitlist" and key == self.session_id) or what == "resync":
            self.refresh()

    async def _load_waitlist(self, session_id: int) -> None:
        try:
            await self.clients.load_waitlist(session_id)
        except FAILURES as exc:
            if session_id == self.session_id:
                self._fail(f"The waitlist could not be read: {outcome_of(exc).message}")

    def _follow(self) -> None:
        session = self.session
        stamp = (session.version, session.extra, len(self.store.directory.clients)) if session else ()
        if stamp != self._shown:
            self.refresh()

    def refresh(self) -> None:
        session = self.session
        self._shown = (session.version, session.extra, len(self.store.directory.clients)) if session else ()
        group = self.group
        self.setVisible(group is not None)
        if group is None:
            return
        self.heading.setText(f"Clients — {group.label()} booked"
                             + (" (full)" if group.full else f", {group.free} free"))
        self.members.clear()
        self.rows = {}
        checkable = session is not None and session.status in CHECKABLE and self.can_edit
        for m in group.members:
            item = QListWidgetItem(m.name + (f" — {ATTENDANCE.get(m.attendance, m.attendance)}"
                                             if m.attendance else ""))
            item.setData(256, m.client_id)
            row = MemberRow(m)
            for attendance, button in row.buttons.items():
                button.setEnabled(checkable)
                button.clicked.connect(partial(self.check_in, m, attendance))
            item.setSizeHint(QSize(0, max(row.sizeHint().height(), 24)))
            self.members.addItem(item)
            self.members.setItemWidget(item, row)
            self.rows[m.client_id] = row
        self._fill_picker(group)
        self.add_button.setText("Join waitlist" if group.full else "Add")
        waiting = self.clients.store.waitlist(self.session_id or 0)
        self.waitlist.clear()
        for entry in waiting:
            joined = f" — since {entry.created_at.astimezone():%d %b %H:%M}" if entry.created_at else ""
            item = QListWidgetItem(f"{entry.position}. {self._name(entry.client_id)}{joined}")
            item.setData(256, entry.id)
            self.waitlist.addItem(item)
        self.waitlist.setVisible(bool(waiting))
        self.waitlist_label.setVisible(bool(waiting))
        self.leave_button.setVisible(bool(waiting) and self.can_edit)
        first = self.offered()
        self.offer.setVisible(first is not None)
        self.offer_button.setVisible(first is not None and self.can_edit)
        if first is not None:
            name = self._name(first.client_id)
            self.offer.setText(f"A place is free: {name} is first on the waitlist.")
            self.offer_button.setText(f"Book {name}")
        for w in (self.picker, self.add_button, self.remove_button):
            w.setEnabled(self.can_edit)

    def offered(self) -> WaitlistEntry | None:
        """The first on the waitlist, while a place is free for them."""
        group = self.group
        waiting = self.clients.store.waitlist(self.session_id or 0)
        return waiting[0] if group is not None and not group.full and waiting else None

    def _fill_picker(self, group: Group) -> None:
        text = self.picker.currentText()
        self.picker.clear()
        directory = self.store.directory
        for c in sorted(directory.clients.values(), key=lambda c: c.name.lower()):
            if not group.has(c.id):
                self.picker.addItem(f"{c.name} ({c.credits} credits)", c.id)
        index = self.picker.findText(text)
        self.picker.setCurrentIndex(index)
        if index < 0:
            self.picker.setEditText(text)

    def _name(self, client_id: int) -> str:
        record = self.clients.store.get(client_id)
        if record is not None:
            return record.name
        known = self.store.directory.clients.get(client_id)
        return known.name if known is not None else f"Client {client_id}"

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.told.emit(text, True)

    # -- changes ---------------------------------------------------------------------------
    def chosen_client(self) -> int | None:
        index = self.picker.findText(self.picker.currentText())
        data = self.picker.itemData(index) if index >= 0 else None
        return data if isinstance(data, int) else None

    def add_chosen(self) -> None:
        client_id, group, session_id = self.chosen_client(), self.group, self.session_id
        if client_id is None or group is None or session_id is None:
            self._fail("Choose a client from the list first.")
            return
        self.error.hide()
        spawn(self._wait(session_id, client_id) if group.full else self._add(session_id, client_id))

    async def _add(self, session_id: int, client_id: int, entry: WaitlistEntry | None = None) -> None:
        try:
            await self.clients.book(session_id, client_id)
        except FAILURES as exc:
            outcome = outcome_of(exc)
            if isinstance(outcome, Full):
                self._fail(f"Every place is taken ({outcome.booked}/{outcome.capacity}). "
                           "Press “Join waitlist” to put the client on the waitlist.")
                self.add_button.setText("Join waitlist")
                return
            self._fail(outcome.message)
            return
        self.told.emit(f"{self._name(client_id)} is booked.", False)
        if entry is not None and entry in self.clients.store.waitlist(session_id):
            with contextlib.suppress(*FAILURES):  # the server took them off already
                await self.clients.leave_waitlist(entry)

    async def _wait(self, session_id: int, client_id: int) -> None:
        try:
            entry = await self.clients.join_waitlist(session_id, client_id)
        except FAILURES as exc:
            self._fail(outcome_of(exc).message)
            return
        self.told.emit(f"{self._name(client_id)} is number {entry.position} on the waitlist.", False)

    def accept_offer(self) -> None:
        entry = self.offered()
        if entry is not None:
            spawn(self._add(entry.session_id, entry.client_id, entry))

    def check_in(self, member: Member, attendance: str, *_clicked: object) -> None:
        """Record ``member``'s attendance (a row's "Check in" or "No-show")."""
        session_id = self.session_id
        if session_id is None or not self.can_edit:
            return
        self.error.hide()
        spawn(self._check_in(session_id, member, attendance))

    async def _check_in(self, session_id: int, member: Member, attendance: str) -> None:
        try:
            await self.clients.checkin(session_id, member.client_id, attendance)
        except FAILURES as exc:
            self._fail(outcome_of(exc).message)
            self.refresh()  # the row's buttons show what is recorded
            return
        said = next(t for _, a, t in CHECKIN_ACTIONS if a == attendance)
        self.told.emit(said.format(member.name), False)

    def chosen_waiting(self) -> WaitlistEntry | None:
        item = self.waitlist.currentItem()
        if item is None:
            return None
        return next((e for e in self.clients.store.waitlist(self.session_id or 0) if e.id == item.data(256)),
                    None)

    def remove_waiting(self) -> None:
        entry = self.chosen_waiting()
        if entry is None:
            self._fail("Choose whom to take off the waitlist first.")
            return
        self.error.hide()
        spawn(self._leave(entry))

    async def _leave(self, entry: WaitlistEntry) -> None:
        try:
            await self.clients.leave_waitlist(entry)
        except FAILURES as exc:
            self._fail(outcome_of(exc).message)
            return
        self.told.emit(f"{self._name(entry.client_id)} is off the waitlist.", False)

    def chosen_member(self) -> Member | None:
        item = self.members.currentItem()
        group = self.group
        if item is None or group is None:
            return None
        return next((m for m in group.members if m.client_id == item.data(256)), None)

    def ask_remove(self) -> QMessageBox | None:
        member, session = self.chosen_member(), self.session
        if member is None or session is None:
            self._fail("Choose the client to remove in the list first.")
            return None
        rule = removal_outlook(session, member, window_hours(self._settings()), self._now())
        box = QMessageBox(QMessageBox.Icon.Question, "Remove from the session",
                          f"Remove {member.name} from this session?\n\n{rule.text}",
                          QMessageBox.StandardButton.NoButton, self)
        self.remove_confirm = box.addButton("Remove", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep", QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda b: self._answered(b, session.id, member))
        self.question = box
        box.open()
        return box

    def _answered(self, button: object, session_id: int, member: Member) -> None:
        self.question = None
        if button is self.remove_confirm:
            spawn(self._remove(session_id, member))

    async def _remove(self, session_id: int, member: Member) -> None:
        try:
            await self.clients.unbook(session_id, member.client_id)
        except FAILURES as exc:
            self._fail(outcome_of(exc).message)
            return
        self.told.emit(f"{member.name} was removed from the session.", False)
