"""The Schedule menu: find a free slot (double-click books it in a pre-filled
editor), check the selected session in (present, late, no-show), and manage the
phone calendar feeds."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence

from ..core.client import StudioClient
from ..core.feeds import FeedClient
from ..core.wallclock import days_range_utc, zone_named
from ..domain.availability import WeeklyHours
from ..protocol.entities import Session, Status
from ..protocol.errors import ProtocolError
from .dialogs.feed_dialog import FeedDialog
from .dialogs.free_slot_dialog import FreeSlotDialog, hours_from_wire
from .main_window import MainWindow
from .schedule_pane import SchedulePane
from .tasks import spawn

ATTENDANCE = (("Present", "present"), ("Late", "late"), ("No-show", "no_show"))
CHECKIN_STATUSES = frozenset({Status.SCHEDULED, Status.CONFIRMED, Status.COMPLETED})


def _zone(name: str | None) -> ZoneInfo:
    return zone_named(name or "") or ZoneInfo("UTC")


class ScheduleMenu(QObject):
    finderOpened = Signal(object)  # the FreeSlotDialog, once the studio's zone is known
    feedsOpened = Signal(object)  # the FeedDialog

    def __init__(self, window: MainWindow, pane: SchedulePane, client: StudioClient) -> None:
        super().__init__(window)
        self.window, self.pane, self.client = window, pane, client
        self.finder: FreeSlotDialog | None = None
        self.feeds_dialog: FeedDialog | None = None
        menu = window.menuBar().addMenu("&Schedule")
        self.find_action = QAction("Find a free slot…", window)
        self.find_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.find_action.triggered.connect(self.open_finder)
        menu.addAction(self.find_action)
        checkin = menu.addMenu("Check in")
        self.checkin_actions: dict[str, QAction] = {}
        for text, attendance in ATTENDANCE:
            action = QAction(text, window)
            action.triggered.connect(lambda _=False, a=attendance: self.check_in(a))
            checkin.addAction(action)
            self.checkin_actions[attendance] = action
        menu.addSeparator()
        self.feeds_action = QAction("Phone calendar feeds…", window)
        self.feeds_action.triggered.connect(self.open_feeds)
        menu.addAction(self.feeds_action)
        pane.sessionSelected.connect(lambda _sid: self._update())
        pane.readOnlyChanged.connect(lambda _ro: self._update())
        self._update()

    def _selected(self) -> Session | None:
        sid = self.pane.selected_session_id
        return self.pane.store.get(sid) if sid is not None else None

    def _update(self) -> None:
        # Feeds are a trainer's or an admin's to manage; the server refuses viewers anyway.
        self.feeds_action.setEnabled(not self.pane.read_only)
        s = self._selected()
        allowed = (s is not None and not self.pane.read_only and s.status in CHECKIN_STATUSES
                   and bool(s.client_name or s.client_id))
        for action in self.checkin_actions.values():
            action.setEnabled(allowed)

    # -- free slots ----------------------------------------------------------
    async def _fetch(self, trainer_id: int, first: date, last: date) -> tuple[WeeklyHours, list[Session]]:
        reply = await self.client.link.request("availability.get", {"trainer_id": trainer_id})
        zone = _zone(reply.get("timezone"))
        mine = [a for a in reply.get("availability", []) if a.get("trainer_id") == trainer_id]
        hours = hours_from_wire(mine[0]["hours"]) if mine else {}
        start, end = days_range_utc(first, (last - first).days + 1, zone)
        sessions, _ = await self.client.query_range(start, end, trainer_id)
        return hours, sessions

    def open_finder(self) -> None:
        spawn(self._open_finder())

    async def _open_finder(self) -> FreeSlotDialog | None:
        """Working hours are in the studio's time zone: ask the server which that is first."""
        try:
            reply = await self.client.link.request("availability.get", {})
        except ProtocolError as exc:
            self.pane.editing.show_notice(f"Cannot look for free slots: {exc.message}")
            return None
        dialog = FreeSlotDialog(self.pane.store.directory, self._fetch, _zone(reply.get("timezone")),
                                trainer_id=self.pane.toolbar.trainer_id(), parent=self.window)
        dialog.bookRequested.connect(self.book)
        self.finder = dialog
        dialog.open()
        self.finderOpened.emit(dialog)
        return dialog

    def book(self, trainer_id: int, start: Any) -> None:
        """Open the editor on a new session for that trainer and time (the slot's length kept)."""
        editor = self.pane.open_new(trainer_id, start)
        if editor is not None and self.finder is not None:
            minutes = self.finder.duration_spin.value()
            editor.form.end_edit.setTime(editor.form.start_edit.time().addSecs(minutes * 60))

    # -- phone calendar feeds ------------------------------------------------
    def open_feeds(self) -> FeedDialog:
        """A new dialog each time: a new feed's address is shown once, in the dialog that made it."""
        if self.feeds_dialog is not None:
            self.feeds_dialog.close()
        dialog = FeedDialog(FeedClient(self.client.link.request, self.client.url), self.pane.store.directory,
                            self.client.user, parent=self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.feeds_dialog = dialog
        dialog.destroyed.connect(lambda: self._forget_feeds(dialog))
        dialog.show()
        dialog.refresh()
        self.feedsOpened.emit(dialog)
        return dialog

    def _forget_feeds(self, dialog: FeedDialog) -> None:
        if self.feeds_dialog is dialog:
            self.feeds_dialog = None

    # -- check-in ------------------------------------------------------------
    def check_in(self, attendance: str) -> None:
        s = self._selected()
        if s is not None:
            spawn(self._check_in(s.id, attendance))

    async def _check_in(self, session_id: int, attendance: str) -> None:
        try:
            await self.client.calendar.checkin(session_id, attendance)
        except ProtocolError as exc:
            self.pane.editing.show_notice(f"Check-in not recorded: {exc.message}")
            return
        label = dict((a, t) for t, a in ATTENDANCE)[attendance]
        self.pane.editing.show_notice(f"Checked in: {label}.", error=False)

