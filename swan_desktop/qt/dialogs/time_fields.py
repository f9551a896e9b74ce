"""Date and time inputs that behave as people at a front desk expect.

``TimeField`` is an editable drop-down of the day in 15-minute steps that also
takes typed times ("10", "10:30", "1030", "2pm"; read by ``parse_time_text``);
Up and Down move by 15 minutes. ``DateField`` is a date edit that Tab leaves
in one press instead of walking through its day, month and year parts.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QDateEdit, QWidget

from .time_text import parse_time_text

STEP_MINUTES = 15
FORMAT = "HH:mm"


def _minutes(at: QTime) -> int:
    return at.hour() * 60 + at.minute()


def _time(minutes: int) -> QTime:
    minutes %= 24 * 60
    return QTime(minutes // 60, minutes % 60)


class TimeField(QComboBox):
    """A time of day: pick from the list, type it, or step with the arrow keys.

    ``time()``/``setTime()`` and ``timeChanged(QTime)`` as on ``QTimeEdit``;
    ``typoEntered(str)`` when typed text is not a time (the field then shows
    the time it had).
    """

    timeChanged = Signal(QTime)
    typoEntered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setCompleter(None)  # type: ignore[arg-type] # typed text is read as a whole, never completed inline
        self.setMaxVisibleItems(12)
        for minutes in range(0, 24 * 60, STEP_MINUTES):
            self.addItem(_time(minutes).toString(FORMAT), minutes)
        self._time = QTime(0, 0)
        self._show()
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText("10:30 or 2pm")
        line.editingFinished.connect(self.commit_text)
        line.installEventFilter(self)
        self.activated.connect(self._picked)
        self.setToolTip("Type a time (10, 10:30, 1030, 2pm) or pick one; ↑ and ↓ move 15 minutes")

    def time(self) -> QTime:
        return QTime(self._time)

    def setTime(self, at: QTime) -> None:
        at = QTime(at.hour(), at.minute())
        changed = at != self._time
        self._time = at
        self._show()
        if changed:
            self.timeChanged.emit(QTime(at))

    def step(self, steps: int) -> None:
        """Move ``steps`` quarter hours, landing on the quarter (10:07 + 1 → 10:15)."""
        minutes = _minutes(self._time)
        if steps > 0:
            target = (minutes // STEP_MINUTES + steps) * STEP_MINUTES
        else:
            target = (-(-minutes // STEP_MINUTES) + steps) * STEP_MINUTES
        self.setTime(_time(target))

    def commit_text(self) -> None:
        """Read what was typed; a typo puts the current time back and says so."""
        text = self.currentText()
        if text == self._time.toString(FORMAT):
            return
        parsed = parse_time_text(text)
        if parsed is None:
            self._show()
            self.typoEntered.emit(text)
            return
        self.setTime(QTime(*parsed))

    def _picked(self, index: int) -> None:
        minutes = self.itemData(index)
        if isinstance(minutes, int):
            self.setTime(_time(minutes))

    def _show(self) -> None:
        was_blocked = self.blockSignals(True)
        self.setCurrentIndex(self.findData(_minutes(self._time)))
        self.setEditText(self._time.toString(FORMAT))
        self.blockSignals(was_blocked)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not alt:
                self.commit_text()
                self.step(-1 if key == Qt.Key.Key_Up else 1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    self.currentText() != self._time.toString(FORMAT):
                self.commit_text()  # the first Enter takes the typed time; the next one saves
                return True
        return super().eventFilter(watched, event)


class DateField(QDateEdit):
    """A date with a calendar pop-up; Tab and Shift+Tab leave the field in one press."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)

    def focusNextPrevChild(self, next: bool) -> bool:
        # QDateTimeEdit walks through its sections here; typing "10" after a Tab then
        # changed the day. The field is left instead, and sections are reached by clicking.
        return QWidget.focusNextPrevChild(self, next)
