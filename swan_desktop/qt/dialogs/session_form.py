"""The fields of a session, with a red message slot next to each one.

The form speaks wire values: ``load_wire`` fills it from a session's wire
dict and ``values`` reads it back (times as UTC ``...Z`` strings), so the
dialog can diff against the session it started from and send only changes.
Dates and times are shown and typed on the studio's wall clock
(``Directory.zone``) and converted to UTC there, once.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, tzinfo
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ...core.directory import Directory
from ...core.wallclock import elapsed_minutes, in_zone, resolve
from ...protocol.entities import Status
from ...protocol.timefmt import format_ts, parse_ts
from ..style import ERROR_TEXT, status_label
from .repeat_control import RepeatControl
from .time_fields import DateField, TimeField

#: Error slots, in the order their rows appear.
SLOTS = ("date", "start", "end", "repeat", "trainer_id", "client", "credits", "location", "session_type_id",
         "status", "notes", "cancel_reason")

#: Which slot shows a server ``invalid`` reply for each wire field.
WIRE_TO_SLOT = {
    "start": "start", "end": "end", "trainer_id": "trainer_id", "client_id": "client",
    "client_name": "client", "location": "location", "session_type_id": "session_type_id",
    "status": "status", "notes": "notes", "cancel_reason": "cancel_reason", "recurrence.rrule": "repeat",
    "recurrence.tz": "repeat",
}


def slot_for(field: str | None) -> str | None:
    """The slot that shows a refusal of wire ``field`` (None: no slot). An update's refusals name
    its fields under ``changes`` (``changes.location``), a create's by themselves (``location``)."""
    name = (field or "").removeprefix("changes.")
    return WIRE_TO_SLOT.get(name)

DEFAULT_DURATION = 60
TYPO = "Type a time such as 10, 10:30, 1030 or 2pm."


def _combine(day: QDate, at: QTime, zone: tzinfo) -> datetime:
    """The date and time fields as an aware time in ``zone`` (a skipped time moves past the gap)."""
    return resolve(datetime(day.year(), day.month(), day.day(), at.hour(), at.minute()), zone)


class SessionForm(QWidget):
    """Inputs for every editable session field, each with its own error label.

    ``fieldsChanged()`` whenever the date, a time, the trainer, the room or the
    status changes: what a clash depends on.
    """

    fieldsChanged = Signal()

    def __init__(self, directory: Directory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._directory = directory
        #: The wall clock the date and time fields are on: the studio's.
        self.zone = directory.zone
        self._duration = DEFAULT_DURATION

        self.date_edit = DateField()
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.start_edit = TimeField()
        self.end_edit = TimeField()
        self.duration_label = QLabel()
        self.duration_label.setStyleSheet("color: #5f6b7a;")

        self.trainer_combo = QComboBox()
        self.trainer_combo.addItem("Choose a trainer…", None)
        for t in directory.sorted_trainers():
            self.trainer_combo.addItem(t.name, t.id)

        self.client_combo = QComboBox()
        self.client_combo.setEditable(True)
        self.client_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.client_combo.addItem("", None)
        for c in sorted(directory.clients.values(), key=lambda c: c.name.lower()):
            if not c.archived:
                self.client_combo.addItem(c.name, c.id)
        line = self.client_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("Client from the list, or any name")

        self.location_combo = QComboBox()
        self.location_combo.setEditable(True)
        self.location_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.location_combo.addItem("")
        for loc in directory.active_locations():
            self.location_combo.addItem(loc.name)

        self.type_combo = QComboBox()
        self.type_combo.addItem("—", None)
        for st in directory.active_session_types():
            self.type_combo.addItem(f"{st.name} ({st.duration_min} min)", st.id)

        self.status_combo = QComboBox()
        for status in Status:
            self.status_combo.addItem(status_label(status), status.value)

        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(64)
        self.notes_edit.setTabChangesFocus(True)
        self.cancel_reason_edit = QLineEdit()
        self.cancel_reason_edit.setPlaceholderText("Why was it cancelled?")
        self.repeat = RepeatControl()
        self.credits_label = QLabel()
        self.credits_label.setAccessibleName("Client credits")

        times = QWidget()
        row = QHBoxLayout(times)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_edit)
        self._end_caption = QLabel("to")
        row.addWidget(self._end_caption)
        row.addWidget(self.end_edit)
        row.addWidget(self.duration_label)
        row.addStretch(1)

        self.errors: dict[str, QLabel] = {}
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(1, 1)
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        r = 0
        for slot, caption, widget in (
            ("date", "Date", self.date_edit),
            ("start", "Time", times),
            ("end", "", None),
            ("repeat", "Repeat", self.repeat),
            ("trainer_id", "Trainer", self.trainer_combo),
            ("client", "Client", self.client_combo),
            ("credits", "", self.credits_label),
            ("location", "Location", self.location_combo),
            ("session_type_id", "Type", self.type_combo),
            ("status", "Status", self.status_combo),
            ("notes", "Notes", self.notes_edit),
            ("cancel_reason", "Cancel reason", self.cancel_reason_edit),
        ):
            err = QLabel()
            err.setObjectName(f"error_{slot}")
            err.setStyleSheet(f"color: {ERROR_TEXT};")
            err.setWordWrap(True)
            err.setVisible(False)
            err.setAccessibleName(f"{caption or 'End time'} problem")
            self.errors[slot] = err
            if widget is not None:
                label = QLabel(caption)
                label.setBuddy(widget)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                widget.setAccessibleName(caption)
                self._grid.addWidget(label, r, 0)
                self._grid.addWidget(widget, r, 1)
                self._rows[slot] = (label, widget)
                r += 1
            self._grid.addWidget(err, r, 1)
            r += 1
        self.start_edit.setAccessibleName("Start time")
        self.end_edit.setAccessibleName("End time")

        self.start_edit.timeChanged.connect(self._start_changed)
        self.end_edit.timeChanged.connect(self._end_changed)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.status_combo.currentIndexChanged.connect(self._status_changed)
        self.date_edit.dateChanged.connect(self._feed_repeat)
        self.client_combo.currentTextChanged.connect(self._show_credits)
        self.start_edit.typoEntered.connect(lambda _text: self.set_error("start", TYPO))
        self.end_edit.typoEntered.connect(lambda _text: self.set_error("end", TYPO))
        for signal in (self.date_edit.dateChanged, self.start_edit.timeChanged, self.end_edit.timeChanged,
                       self.trainer_combo.currentIndexChanged, self.location_combo.currentTextChanged,
                       self.status_combo.currentIndexChanged):
            signal.connect(self._fields_changed)
        self._status_changed()
        self._show_credits()

    # -- reading and writing ---------------------------------------------------
    def load_wire(self, d: dict[str, Any]) -> None:
        """Fill every field from a (possibly partial) wire session dict."""
        if d.get("start"):
            start = in_zone(parse_ts(d["start"], "start"), self.zone)
            end = in_zone(parse_ts(d["end"], "end"), self.zone) if d.get("end") else \
                in_zone(parse_ts(d["start"], "start") + timedelta(minutes=DEFAULT_DURATION), self.zone)
            self._duration = max(5, int(elapsed_minutes(start, end)))
            self.date_edit.setDate(QDate(start.year, start.month, start.day))
            self.start_edit.blockSignals(True)
            self.start_edit.setTime(QTime(start.hour, start.minute))
            self.start_edit.blockSignals(False)
            self.end_edit.blockSignals(True)
            self.end_edit.setTime(QTime(end.hour, end.minute))
            self.end_edit.blockSignals(False)
            self._show_duration()
        self._offer_archived(d.get("trainer_id"), d.get("session_type_id"), d.get("client_id"))
        self._select_data(self.trainer_combo, d.get("trainer_id"))
        client_id = d.get("client_id")
        idx = self.client_combo.findData(client_id) if client_id is not None else -1
        if idx > 0:
            self.client_combo.setCurrentIndex(idx)
        else:
            self.client_combo.setCurrentIndex(0)
            self.client_combo.setEditText(str(d.get("client_name") or ""))
        self.location_combo.setEditText(str(d.get("location") or ""))
        self.type_combo.blockSignals(True)
        self._select_data(self.type_combo, d.get("session_type_id"))
        self.type_combo.blockSignals(False)
        self._select_data(self.status_combo, d.get("status") or Status.SCHEDULED.value)
        self.notes_edit.setPlainText(str(d.get("notes") or ""))
        self.cancel_reason_edit.setText(str(d.get("cancel_reason") or ""))
        self._status_changed()

    def _offer_archived(self, trainer_id: object, type_id: object, client_id: object = None) -> None:
        """A session of an archived trainer, type or client keeps showing it (and only it) in the
        picker (a client by name alone: the name is what the session keeps)."""
        directory = self._directory
        client = directory.clients.get(client_id) if isinstance(client_id, int) else None
        if client is not None and self.client_combo.findData(client.id) < 0:
            self.client_combo.addItem(client.name, client.id)
        if isinstance(trainer_id, int) and self.trainer_combo.findData(trainer_id) < 0 \
                and trainer_id in directory.trainers:
            self.trainer_combo.addItem(f"{directory.trainer_name(trainer_id)} (archived)", trainer_id)
        if isinstance(type_id, int) and self.type_combo.findData(type_id) < 0 \
                and type_id in directory.session_types:
            self.type_combo.addItem(f"{directory.type_name(type_id)} (archived)", type_id)

    @staticmethod
    def _select_data(combo: QComboBox, value: object) -> None:
        idx = combo.findData(value)
        combo.setCurrentIndex(max(0, idx))

    def start_local(self) -> datetime:
        """The start as typed, aware in the studio's zone."""
        return _combine(self.date_edit.date(), self.start_edit.time(), self.zone)

    def end_local(self) -> datetime:
        return _combine(self.date_edit.date(), self.end_edit.time(), self.zone)

    def length_minutes(self) -> int:
        """Real minutes from the start to the end fields (not wall-clock ones)."""
        return math.floor(elapsed_minutes(self.start_local(), self.end_local()))

    def values(self) -> dict[str, Any]:
        """Every field as a wire value."""
        client_text = self.client_combo.currentText().strip()
        idx = self.client_combo.findText(client_text, Qt.MatchFlag.MatchFixedString)
        client_id = self.client_combo.itemData(idx) if idx > 0 and client_text else None
        return {
            "start": format_ts(self.start_local()),
            "end": format_ts(self.end_local()),
            "trainer_id": self.trainer_combo.currentData(),
            "client_id": client_id,
            "client_name": self.client_combo.itemText(idx) if client_id is not None else client_text,
            "location": self.location_combo.currentText().strip(),
            "session_type_id": self.type_combo.currentData(),
            "status": self.status_combo.currentData(),
            "notes": self.notes_edit.toPlainText().strip(),
            "cancel_reason": self.cancel_reason_edit.text().strip(),
        }

    # -- validation ------------------------------------------------------------
    def validate(self) -> dict[str, str]:
        """Problems the user can fix before anything is sent, by slot."""
        problems: dict[str, str] = {}
        if self.length_minutes() <= 0:
            problems["end"] = "The end time must be after the start time."
        if self.trainer_combo.currentData() is None:
            problems["trainer_id"] = "Choose a trainer."
        if self.status_combo.currentData() == Status.CANCELLED.value \
                and not self.cancel_reason_edit.text().strip():
            problems["cancel_reason"] = "Say why the session is cancelled."
        return problems

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def set_error(self, slot: str, message: str) -> None:
        label = self.errors[slot]
        label.setText(message)
        label.setVisible(bool(message))

    def show_errors(self, problems: dict[str, str]) -> None:
        self.clear_errors()
        for slot, message in problems.items():
            self.set_error(slot, message)

    def error_text(self, slot: str) -> str:
        return self.errors[slot].text()

    # -- behaviour ---------------------------------------------------------------
    def set_read_only(self, read_only: bool) -> None:
        for w in (self.date_edit, self.start_edit, self.end_edit, self.trainer_combo, self.client_combo,
                  self.location_combo, self.type_combo, self.status_combo, self.cancel_reason_edit):
            w.setEnabled(not read_only)
        self.notes_edit.setReadOnly(read_only)
        self.notes_edit.setEnabled(not read_only)

    def input_widgets(self) -> list[QWidget]:
        return [self.date_edit, self.start_edit, self.end_edit, self.trainer_combo, self.client_combo,
                self.location_combo, self.type_combo, self.status_combo, self.notes_edit,
                self.cancel_reason_edit]

    def _show_duration(self) -> None:
        minutes = self.length_minutes()
        if minutes > 0:
            h, m = divmod(minutes, 60)
            self.duration_label.setText(f"{h} h {m:02d} min" if h else f"{m} min")
        else:
            self.duration_label.setText("")
        self._feed_repeat()

    def _feed_repeat(self, *_args: object) -> None:
        self.repeat.set_start(self.start_local(), timedelta(minutes=self.length_minutes()))

    def set_repeat_visible(self, visible: bool) -> None:
        """Repeat is offered when creating; an existing session's series is changed by scope."""
        label, widget = self._rows["repeat"]
        label.setVisible(visible)
        widget.setVisible(visible)

    def client_credits(self) -> int | None:
        client_id = self.values()["client_id"]
        client = self._directory.clients.get(client_id) if client_id is not None else None
        return client.credits if client is not None else None

    def _show_credits(self, *_args: object) -> None:
        credits = self.client_credits()
        _label, widget = self._rows["credits"]
        widget.setVisible(credits is not None)
        if credits is None:
            return
        if credits <= 0:
            self.credits_label.setStyleSheet(f"color: {ERROR_TEXT};")
            self.credits_label.setText(f"⚠ No credits left ({credits}); "
                                       "completing a session needs a new package")
        else:
            self.credits_label.setStyleSheet("")
            self.credits_label.setText(f"{credits} credit{'s' if credits != 1 else ''} left in the package")

    def _fields_changed(self, *_args: object) -> None:
        for slot in ("start", "end"):
            if self.error_text(slot) == TYPO:
                self.set_error(slot, "")
        self.fieldsChanged.emit()

    def apply_alternative(self, start: datetime, trainer_id: int) -> None:
        """Take a suggested start (aware, any zone) and trainer, keeping the length."""
        local_start = in_zone(start, self.zone)
        self.date_edit.setDate(QDate(local_start.year, local_start.month, local_start.day))
        self.start_edit.setTime(QTime(local_start.hour, local_start.minute))
        self._select_data(self.trainer_combo, trainer_id)

    def _start_changed(self, at: QTime) -> None:
        self.end_edit.blockSignals(True)
        self.end_edit.setTime(at.addSecs(self._duration * 60))
        self.end_edit.blockSignals(False)
        self._show_duration()

    def _end_changed(self, _at: QTime) -> None:
        minutes = self.length_minutes()
        if minutes > 0:
            self._duration = minutes
        self._show_duration()

    def _type_changed(self, _index: int) -> None:
        type_id = self.type_combo.currentData()
        st = self._directory.session_types.get(type_id) if type_id is not None else None
        if st is not None:
            self._duration = st.duration_min
            self._start_changed(self.start_edit.time())

    def _status_changed(self, _index: int = 0) -> None:
        cancelled = self.status_combo.currentData() == Status.CANCELLED.value
        label, widget = self._rows["cancel_reason"]
        label.setVisible(cancelled or bool(self.cancel_reason_edit.text()))
        widget.setVisible(cancelled or bool(self.cancel_reason_edit.text()))
