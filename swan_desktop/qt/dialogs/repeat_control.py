"""The repeat control of the session editor: none, daily, weekly on chosen days, every N weeks,
or a custom RRULE; it shows how many occurrences the rule makes, under the studio's cap."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ...core.wallclock import local_zone
from ...domain.recurrence import MAX_OCCURRENCES, MAX_SPAN, RecurrenceError, expand
from ..style import ERROR_TEXT

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NONE, DAILY, WEEKLY, EVERY_N_WEEKS, CUSTOM = "none", "daily", "weekly", "weeks", "custom"
CAP_TEXT = f"at most {MAX_OCCURRENCES} occurrences and 12 months"


class RepeatControl(QWidget):
    """``rule()`` is the RRULE to send (None: does not repeat); ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start = datetime.now(local_zone()).replace(second=0, microsecond=0)
        self._length = timedelta(hours=1)
        self.kind_combo = QComboBox()
        for label, kind in (("Does not repeat", NONE), ("Every day", DAILY), ("Every week on…", WEEKLY),
                            ("Every few weeks on…", EVERY_N_WEEKS), ("Custom repeat…", CUSTOM)):
            self.kind_combo.addItem(label, kind)
        self.kind_combo.setAccessibleName("Repeat")
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(2, 8)
        self.interval_spin.setPrefix("every ")
        self.interval_spin.setSuffix(" weeks")
        self.interval_spin.setAccessibleName("Weeks between occurrences")
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, MAX_OCCURRENCES)
        self.count_spin.setValue(10)
        self.count_spin.setSuffix(" times")
        self.count_spin.setAccessibleName("How many times")
        self.day_boxes = [QCheckBox(name) for name in DAY_NAMES]
        for box, name in zip(self.day_boxes, DAY_NAMES, strict=True):
            box.setAccessibleName(f"Repeat on {name}")
        self.custom_edit = QLineEdit()
        self.custom_edit.setPlaceholderText("e.g. FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12 (every Monday and "
                                            "Thursday, 12 times)")
        self.custom_edit.setToolTip("A repeat rule in the calendar standard (RFC 5545), for patterns "
                                    "the choices above do not cover")
        self.custom_edit.setAccessibleName("Custom repeat rule")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Repeat summary")

        first = QHBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(self.kind_combo)
        first.addWidget(self.interval_spin)
        first.addWidget(self.count_spin)
        first.addStretch(1)
        days = QHBoxLayout()
        days.setContentsMargins(0, 0, 0, 0)
        days.setSpacing(6)
        for box in self.day_boxes:
            days.addWidget(box)
        days.addStretch(1)
        self._days_row = QWidget()
        self._days_row.setLayout(days)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(4)
        grid.addLayout(first, 0, 0)
        grid.addWidget(self._days_row, 1, 0)
        grid.addWidget(self.custom_edit, 2, 0)
        grid.addWidget(self.summary, 3, 0)

        self.kind_combo.currentIndexChanged.connect(self._refresh)
        self.interval_spin.valueChanged.connect(self._refresh)
        self.count_spin.valueChanged.connect(self._refresh)
        self.custom_edit.textChanged.connect(self._refresh)
        for box in self.day_boxes:
            box.toggled.connect(self._refresh)
        self._refresh()

    # -- inputs ---------------------------------------------------------------
    def set_start(self, start_local: datetime, length: timedelta) -> None:
        """The first occurrence (an aware local time) and the session's length."""
        changed_day = start_local.weekday() != self._start.weekday()
        self._start, self._length = start_local, length
        if changed_day and not any(b.isChecked() for b in self.day_boxes):
            self.day_boxes[start_local.weekday()].setChecked(True)
        self._refresh()

    def set_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    # -- outputs ----------------------------------------------------------------
    def rule(self) -> str | None:
        kind = self.kind
        if kind == NONE:
            return None
        if kind == CUSTOM:
            return self.custom_edit.text().strip() or None
        count = f";COUNT={self.count_spin.value()}"
        if kind == DAILY:
            return "FREQ=DAILY" + count
        days = [d for d, box in zip(DAYS, self.day_boxes, strict=True) if box.isChecked()] \
            or [DAYS[self._start.weekday()]]
        interval = f";INTERVAL={self.interval_spin.value()}" if kind == EVERY_N_WEEKS else ""
        return f"FREQ=WEEKLY{interval};BYDAY={','.join(days)}" + count

    def occurrences(self) -> list[datetime]:
        """Local starts the rule makes (empty when it does not repeat or cannot be read)."""
        rule = self.rule()
        if rule is None:
            return []
        zone: tzinfo = self._start.tzinfo or local_zone()
        try:
            return [o.local_start for o in expand(rule, self._start, self._length, zone)]
        except RecurrenceError:
            return []

    def problem(self) -> str:
        """Why the rule cannot be sent, in words ('' when it can)."""
        rule = self.rule()
        if self.kind == NONE:
            return ""
        if rule is None:
            return "Write a repeat rule, for example FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12."
        zone: tzinfo = self._start.tzinfo or local_zone()
        try:
            found = expand(rule, self._start, self._length, zone)
        except RecurrenceError as exc:
            return str(exc).capitalize() + "."
        return "" if found else "This rule makes no occurrences."

    def _refresh(self, *_args: object) -> None:
        kind = self.kind
        self.interval_spin.setVisible(kind == EVERY_N_WEEKS)
        self.count_spin.setVisible(kind in (DAILY, WEEKLY, EVERY_N_WEEKS))
        self._days_row.setVisible(kind in (WEEKLY, EVERY_N_WEEKS))
        self.custom_edit.setVisible(kind == CUSTOM)
        self.summary.setVisible(kind != NONE)
        problem = self.problem()
        if problem:
            self.summary.setStyleSheet(f"color: {ERROR_TEXT};")
            self.summary.setText(problem)
        elif kind != NONE:
            found = self.occurrences()
            capped = len(found) >= MAX_OCCURRENCES or (
                found and found[-1] - found[0] >= MAX_SPAN - timedelta(days=31))
            self.summary.setStyleSheet("")
            self.summary.setText(
                f"{len(found)} occurrence{'s' if len(found) != 1 else ''}, the last on "
                f"{found[-1]:%a %d %b %Y} ({CAP_TEXT}{'; the rule was cut at the cap' if capped else ''})")
        self.changed.emit()
