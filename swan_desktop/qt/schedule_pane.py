"""SchedulePane: toolbar, the day/week/agenda views and the details panel, wired.

The pane reads the store (``store.between`` over the visible range with the
chosen filter) whenever the bridge says the store changed or the user moves
the date, switches view or changes a filter. It never asks the server for
anything itself: it emits ``rangeChanged(start_utc, end_utc)`` so the app can
load that range, and sends edits through ``ScheduleActions`` — which store the
server's answer themselves; the pane never writes the store.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QStackedWidget, QVBoxLayout, QWidget

from ..core.actions import ScheduleActions
from ..core.cancellation import notified, notified_short, window_hours
from ..core.schedule import ScheduleStore
from ..core.wallclock import at_hour, days_range_utc, in_zone
from ..domain.permissions import can_edit_schedule, may_override_overlap
from ..protocol.entities import Session, Status, User
from .bridge import StoreBridge
from .bulk_bar import BulkBar
from .filter_chip import FilterChip
from .models.session_table_model import SessionTableModel
from .schedule_editing import DirectEditing
from .schedule_footer import ScheduleFooter
from .schedule_toolbar import VIEW_NAMES, ScheduleToolbar
from .session_commands import SessionCommands
from .session_context_menu import attach as attach_context_menu
from .session_text import booking_words, client_label, hm, long_date, short_date
from .views.agenda_view import AgendaView
from .views.day_view import DayView
from .views.details_panel import DetailsPanel
from .views.month_view import WEEKS as MONTH_WEEKS
from .views.month_view import MonthView, first_shown
from .views.week_view import WeekView, week_start

if TYPE_CHECKING:
    from .dialogs.session_dialog import SessionDialog

AGENDA_DAYS = 14
STEP_DAYS = {"day": 1, "week": 7, "agenda": AGENDA_DAYS}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), kept inside a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class SchedulePane(QWidget):
    """The live master schedule. See the module docstring for the data flow."""

    #: (start_utc, end_utc) of what is now on screen: aware UTC datetimes
    rangeChanged = Signal(object, object)
    sessionSelected = Signal(int)
    #: The session editor was opened (SessionDialog); features attach to it (e.g. the edit lock).
    editorOpened = Signal(object)
    readOnlyChanged = Signal(bool)  # a viewer's role, or a role changed while signed in
    #: A sentence for the status bar: "Booked … · Undo", "Undone: move of …".
    announced = Signal(str)

    def __init__(self, store: ScheduleStore, actions: ScheduleActions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Schedule")
        self.store = store
        self.schedule_actions = actions
        self.bridge = StoreBridge(store, self)
        self._date = date.today()
        self._view = "day"
        self._read_only = False
        self._can_override = False
        self._user: User | None = None
        self._selected: int | None = None
        self._last_range: tuple[datetime, datetime] | None = None
        self.editor: SessionDialog | None = None
        #: The studio settings as the collaboration client holds them (set by its install).
        self.studio_settings: Callable[[], dict[str, str]] = dict

        self.toolbar = ScheduleToolbar()
        self.day_view = DayView()
        self.week_view = WeekView()
        self.month_view = MonthView()
        self.table_model = SessionTableModel(store.directory, self)
        self.agenda_view = AgendaView(self.table_model)
        self.stack = QStackedWidget()
        for w in (self.day_view, self.week_view, self.month_view, self.agenda_view):
            self.stack.addWidget(w)
        self.details = DetailsPanel()

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.stack, 1)
        body.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        self.filter_chip = FilterChip()
        layout.addWidget(self.filter_chip)
        self.editing = DirectEditing(self)
        self.editing.announced.connect(self.announced)
        self.commands = SessionCommands(self)
        self.context_menu: QMenu | None = None
        for grid in (self.day_view, self.week_view):
            attach_context_menu(self, grid.canvas, grid.canvas.session_at)
        attach_context_menu(self, self.agenda_view, self.agenda_view.session_at)
        for grid in (self.day_view, self.week_view):
            grid.canvas.cancelRequested.connect(self.commands.ask_cancel)
        layout.addWidget(self.editing.notice)
        self.bulk = BulkBar(self)
        layout.addWidget(self.bulk)
        self.agenda_view.selectionIdsChanged.connect(self.bulk.set_selection)
        for grid in (self.day_view, self.week_view):  # Ctrl+click picks several on the grids too
            grid.canvas.multiSelectionChanged.connect(self.bulk.set_selection)
        layout.addLayout(body, 1)
        self.footer = ScheduleFooter(self)
        self.legend = self.footer.legend
        layout.addWidget(self.footer)

        tb = self.toolbar
        tb.todayClicked.connect(self.go_today)
        tb.previousClicked.connect(self.go_previous)
        tb.nextClicked.connect(self.go_next)
        tb.dateChosen.connect(self.set_date)
        tb.viewChosen.connect(self.set_view)
        tb.filterChanged.connect(self.refresh)
        self.filter_chip.cleared.connect(lambda: tb.trainer_combo.setCurrentIndex(0))
        tb.newClicked.connect(lambda: self.open_new())
        for view in (self.day_view, self.week_view, self.agenda_view):
            view.sessionSelected.connect(self._on_selected)
            view.sessionActivated.connect(self.open_editor)
        self.day_view.newSessionRequested.connect(self._on_new_requested)
        self.month_view.dayActivated.connect(self._open_day)
        self.week_view.newSessionRequested.connect(self._on_new_requested)
        self.week_view.dayRequested.connect(self._open_day)
        self.details.editRequested.connect(self.open_editor)
        self.bridge.changed.connect(self.refresh)

        tb.show_date(self._date)
        self.refresh()
        self.day_view.scroll_to_hour(7)

    # -- where we are -------------------------------------------------------------
    @property
    def current_date(self) -> date:
        return self._date

    @property
    def current_view(self) -> str:
        return self._view

    @property
    def selected_session_id(self) -> int | None:
        return self._selected

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def current_user(self) -> User | None:
        return self._user

    def visible_range(self) -> tuple[datetime, datetime]:
        """The UTC range the current view shows."""
        if self._view == "day":
            first, days = self._date, 1
        elif self._view == "week":
            first, days = week_start(self._date), 7
        elif self._view == "month":
            first, days = first_shown(self._date), 7 * MONTH_WEEKS
        else:
            first, days = self._date, AGENDA_DAYS
        return days_range_utc(first, days, self.store.directory.zone)  # the studio's days

    # -- navigation (also good targets for shortcuts) -----------------------------
    def set_date(self, day: date) -> None:
        if day == self._date:
            return
        self._date = day
        self.toolbar.show_date(day)
        self.refresh()

    def go_today(self) -> None:
        """Show today; always re-announces the range, so the app (re)loads it."""
        today = date.today()
        if today == self._date:
            self._last_range = None
            self.refresh()
        else:
            self.set_date(today)

    def go_previous(self) -> None:
        if self._view == "month":
            self.set_date(add_months(self._date, -1))
        else:
            self.set_date(self._date - timedelta(days=STEP_DAYS[self._view]))

    def go_next(self) -> None:
        if self._view == "month":
            self.set_date(add_months(self._date, 1))
        else:
            self.set_date(self._date + timedelta(days=STEP_DAYS[self._view]))

    def _open_day(self, day: date) -> None:
        self.set_date(day)
        self.set_view("day")

    def set_view(self, name: str) -> None:
        if name not in VIEW_NAMES:
            raise ValueError(f"unknown view {name!r}; expected one of {', '.join(VIEW_NAMES)}")
        self.toolbar.show_view(name)
        if name == self._view:
            return
        self._view = name
        self.stack.setCurrentIndex(VIEW_NAMES.index(name))
        self.refresh()
        # The bulk bar acts on what this view has picked, not on another view's picks.
        picked = {"day": self.day_view.canvas.picked, "week": self.week_view.canvas.picked,
                  "agenda": self.agenda_view.selected_ids()}.get(name, [])
        self.bulk.set_selection(picked)

    # -- who is looking ---------------------------------------------------------------
    def set_read_only(self, read_only: bool) -> None:
        """Viewers: New/Edit/Delete off, the editor opens read-only."""
        changed = read_only != self._read_only
        self._read_only = read_only
        self.editing.set_editable(not read_only)
        self.toolbar.new_button.setEnabled(not read_only)
        self.details.set_read_only(read_only)
        if self.editor is not None:
            self.editor.set_read_only(read_only)
        if changed:
            self.readOnlyChanged.emit(read_only)

    def set_current_user(self, user: User | None) -> None:
        self._user = user
        if user is None:
            self._can_override = False
            self.set_read_only(True)
            return
        self._can_override = may_override_overlap(user.role)
        self.set_read_only(not can_edit_schedule(user.role))

    # -- reading the store ----------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw the current view from the store (cheap: only the visible range)."""
        directory = self.store.directory
        self.toolbar.set_directory(directory)
        start, end = self.visible_range()
        flt = self.toolbar.schedule_filter()
        sessions = self.store.between(start, end, flt)
        trainer = self.toolbar.trainer_id()
        self.filter_chip.show_filter(directory.trainer_name(trainer) if trainer is not None else None)
        self.footer.type_legend.set_types(list(directory.session_types.values()))
        marks = {sid: "pending" for sid in self.store.pending}
        marks.update({sid: "failed" for sid in self.store.failed})
        self.day_view.set_marks(marks)
        self.week_view.set_marks(marks)
        if self._view == "day":
            self.day_view.show_day(self._date, sessions, directory,
                                   [trainer] if trainer is not None else None,
                                   self.store.directory_revision)
            self.day_view.select(self._selected)
            self.toolbar.range_label.setText(long_date(self._date))
        elif self._view == "week":
            self.week_view.show_week(self._date, sessions, directory, trainer or 0,
                                     self.store.directory_revision)
            self.week_view.select(self._selected)
            monday = week_start(self._date)
            self.toolbar.range_label.setText(
                f"{short_date(monday)} – {short_date(monday + timedelta(days=6))} {monday:%Y}")
        elif self._view == "month":
            self.month_view.show_month(self._date, sessions, directory)
            self.month_view.selected = self._date
            self.toolbar.range_label.setText(f"{self._date:%B %Y}")
        else:
            self.table_model.set_directory(directory)
            self.table_model.set_sessions(sessions, marks)
            self.agenda_view.select_session(self._selected)
            last = self._date + timedelta(days=AGENDA_DAYS - 1)
            self.toolbar.range_label.setText(f"{short_date(self._date)} – {short_date(last)} {last:%Y}")
        self.details.show_session(self.store.get(self._selected) if self._selected else None, directory)
        self._emit_range(start, end)

    def _emit_range(self, start: datetime, end: datetime) -> None:
        if self._last_range != (start, end):
            self._last_range = (start, end)
            self.rangeChanged.emit(start, end)

    def shown_session_ids(self) -> list[int]:
        """Ids of the sessions the current view shows, in its order."""
        if self._view == "day":
            return self.day_view.shown_ids()
        if self._view == "week":
            return self.week_view.shown_ids()
        if self._view == "month":
            start, end = self.month_view.range_shown()
            return [s.id for d in range((end - start).days)
                    for s in self.month_view.sessions_on(start + timedelta(days=d))]
        return [s.id for s in (self.table_model.session(r) for r in range(self.table_model.rowCount()))
                if s is not None]

    # -- selection and editing -------------------------------------------------------------
    def _on_selected(self, session_id: int) -> None:
        self._selected = session_id
        self.details.show_session(self.store.get(session_id), self.store.directory)
        self.sessionSelected.emit(session_id)

    def select_session(self, session_id: int | None) -> None:
        self._selected = session_id
        self.refresh()

    def open_editor(self, session_id: int) -> SessionDialog | None:
        """Open the editor on a session (read-only for viewers)."""
        session = self.store.get(session_id)
        if session is None:
            return None
        self._on_selected(session_id)
        return self._open_dialog(session)

    def open_new(self, trainer_id: int | None = None, start: datetime | None = None) -> SessionDialog | None:
        """Open the editor on a new session, optionally for a trainer and local start time."""
        if self._read_only:
            return None
        if trainer_id is None:
            trainer_id = self.toolbar.trainer_id()
        if start is None:
            zone = self.store.directory.zone
            start = at_hour(self._date, max(7, min(datetime.now(zone).hour + 1, 20)), zone)
        return self._open_dialog(None, start=start, trainer_id=trainer_id)

    def _on_new_requested(self, trainer_id: int, start: datetime) -> None:
        if not self._read_only:
            self.open_new(trainer_id or None, start)

    def _open_dialog(self, session: Session | None, *, start: datetime | None = None,
                     trainer_id: int | None = None) -> SessionDialog:
        if self.editor is not None:
            self.editor.close()
        from .dialogs.session_dialog import SessionDialog  # imported when first opened (start-up time)

        dialog = SessionDialog(self.store.directory, self.schedule_actions, session, start=start,
                               trainer_id=trainer_id, read_only=self._read_only,
                               can_override=self._can_override,
                               user_name=self.store.directory.user_name, store=self.store,
                               cancel_window_h=window_hours(self.studio_settings()),
                               me=self._user.id if self._user else None, parent=self)
        dialog.saved.connect(lambda saved, before=session: self._on_saved(saved, before))
        if session is not None:
            dialog.deleted.connect(lambda _sid, before=session: self._on_deleted(before))
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        self.editor = dialog
        dialog.open()
        self.editorOpened.emit(dialog)
        return dialog

    def _on_saved(self, session: Session, before: Session | None = None) -> None:
        # The actions already stored what the server answered; the pane only follows it.
        if before is None:
            self.editing.record_created(session)
            self.editing.announce(f"Booked {booking_words(session, self.store.directory)}")
            self.go_to_session(session)
            return
        self._selected = session.id
        if before.id == session.id:
            cancelled = session.status is Status.CANCELLED and before.status is not Status.CANCELLED
            self.editing.record(before, session, "cancellation" if cancelled else "edit")
            if cancelled:
                directory = self.store.directory
                heard = notified(session, directory, self._user.id if self._user else None)
                self.editing.announce(f"Cancelled {client_label(session, directory)}'s "
                                      f"{hm(session.start, directory.zone)} · {notified_short(heard)}")
            else:
                self.editing.announce(f"Saved {booking_words(session, self.store.directory)}")

    def _on_deleted(self, before: Session) -> None:
        self.editing.record_deleted(before)
        self.editing.announce(f"Deleted {booking_words(before, self.store.directory)}")

    def go_to_session(self, session: Session) -> None:
        """Show the day of ``session`` in a view that has it, and select (highlight) it."""
        self.go_to_session_at(session.id, session.start)

    def go_to_session_at(self, session_id: int, start: datetime) -> None:
        """Show the day of the session ``session_id`` starting at ``start`` in a view that has it,
        selected: one this PC has not loaded yet is highlighted, and its details shown, as the
        day's sessions arrive."""
        self._selected = session_id
        day = in_zone(start, self.store.directory.zone).date()
        if self._view in ("month", "agenda"):
            self._view = "day"
            self.toolbar.show_view("day")
            self.stack.setCurrentIndex(VIEW_NAMES.index("day"))
        if day != self._date:
            self._date = day
            self.toolbar.show_date(day)
        self.refresh()
        self.sessionSelected.emit(session_id)

    def _forget(self, dialog: SessionDialog) -> None:
        if self.editor is dialog:
            self.editor = None
        if dialog.busy:
            dialog.idle.connect(dialog.deleteLater, Qt.ConnectionType.SingleShotConnection)
        else:
            dialog.deleteLater()
