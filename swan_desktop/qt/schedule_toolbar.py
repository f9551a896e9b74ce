"""The schedule pane's toolbar: navigation, view switch, filters and "New session"."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.directory import Directory
from ..core.schedule import ScheduleFilter
from ..protocol.entities import Status
from .style import status_label

VIEW_NAMES = ("day", "week", "month", "agenda")


class ScheduleToolbar(QWidget):
    """Owns the widgets; the pane owns what they mean."""

    todayClicked = Signal()
    previousClicked = Signal()
    nextClicked = Signal()
    dateChosen = Signal(object)   # datetime.date
    viewChosen = Signal(str)      # one of VIEW_NAMES
    filterChanged = Signal()
    newClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Schedule toolbar")
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Go to today (Ctrl+T)")
        self.today_button.setAccessibleName("Today")
        self.previous_button = QToolButton()
        self.previous_button.setText("◀ Previous")
        self.previous_button.setAccessibleName("Previous")
        self.next_button = QToolButton()
        self.next_button.setText("Next ▶")
        self.next_button.setAccessibleName("Next")
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setAccessibleName("Date")
        self.range_label = QLabel()
        self.range_label.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.range_label.setAccessibleName("Shown range")

        self.view_buttons: dict[str, QToolButton] = {}
        self._view_group = QButtonGroup(self)
        self._view_group.setExclusive(True)
        for name in VIEW_NAMES:
            b = QToolButton()
            b.setText(name.capitalize())
            b.setCheckable(True)
            b.setAccessibleName(f"{name.capitalize()} view")
            b.setMinimumWidth(64)
            self._view_group.addButton(b)
            self.view_buttons[name] = b
            b.clicked.connect(lambda _=False, n=name: self.viewChosen.emit(n))
        self.view_buttons["day"].setChecked(True)

        self.new_button = QPushButton("New session")
        self.new_button.setAccessibleName("New session")
        self.new_button.setStyleSheet("QPushButton { font-weight: 600; padding: 4px 14px; }")

        self.trainer_combo = QComboBox()
        self.trainer_combo.setAccessibleName("Trainer filter")
        self.trainer_combo.setMinimumContentsLength(14)
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("Status filter")
        self.status_combo.addItem("All statuses", None)
        for s in Status:
            self.status_combo.addItem(status_label(s), s.value)
        self.location_combo = QComboBox()
        self.location_combo.setAccessibleName("Location filter")
        self.location_combo.setMinimumContentsLength(12)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search client, notes, room…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Search")
        self.search_edit.setMinimumWidth(220)
        self._directory_key: object = None
        self.set_directory(Directory())

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.today_button)
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        top.addWidget(self.date_edit)
        top.addSpacing(12)
        # The heading gives way first on a narrow screen (1,024 px laptops):
        # it may shrink, and its full text stays in the tooltip.
        self.range_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.range_label.setMinimumWidth(120)
        top.addWidget(self.range_label, 1)
        for name in VIEW_NAMES:
            top.addWidget(self.view_buttons[name])
        top.addSpacing(12)
        top.addWidget(self.new_button)

        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        for caption, widget in (("Trainer", self.trainer_combo), ("Status", self.status_combo),
                                ("Location", self.location_combo)):
            label = QLabel(caption)
            label.setBuddy(widget)
            bottom.addWidget(label)
            bottom.addWidget(widget)
            bottom.addSpacing(8)
        bottom.addWidget(self.search_edit)
        bottom.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(bottom)

        self.today_button.clicked.connect(self.todayClicked)
        self.previous_button.clicked.connect(self.previousClicked)
        self.next_button.clicked.connect(self.nextClicked)
        self.new_button.clicked.connect(self.newClicked)
        self.date_edit.dateChanged.connect(lambda d: self.dateChosen.emit(d.toPython()))
        for combo in (self.trainer_combo, self.status_combo, self.location_combo):
            combo.currentIndexChanged.connect(lambda _i: self.filterChanged.emit())
        self.search_edit.textChanged.connect(lambda _t: self.filterChanged.emit())

    # -- state in, without echoing signals back --------------------------------
    def show_date(self, day: date) -> None:
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.blockSignals(False)

    def show_view(self, name: str) -> None:
        self.view_buttons[name].setChecked(True)

    def set_directory(self, directory: Directory) -> None:
        """Refill the trainer and location choices, keeping the current picks."""
        trainers = [(t.id, t.name) for t in directory.sorted_trainers()]
        locations = [loc.name for loc in directory.active_locations()]
        key = (tuple(trainers), tuple(locations))
        if key == self._directory_key:
            return
        self._directory_key = key
        chosen_trainer = self.trainer_combo.currentData()
        chosen_location = self.location_combo.currentData()
        for combo in (self.trainer_combo, self.location_combo):
            combo.blockSignals(True)
            combo.clear()
        self.trainer_combo.addItem("All trainers", None)
        for tid, name in trainers:
            self.trainer_combo.addItem(name, tid)
        self.location_combo.addItem("All locations", None)
        for name in locations:
            self.location_combo.addItem(name, name)
        self.trainer_combo.setCurrentIndex(max(0, self.trainer_combo.findData(chosen_trainer)))
        self.location_combo.setCurrentIndex(max(0, self.location_combo.findData(chosen_location)))
        for combo in (self.trainer_combo, self.location_combo):
            combo.blockSignals(False)

    # -- state out ----------------------------------------------------------------
    def trainer_id(self) -> int | None:
        value = self.trainer_combo.currentData()
        return int(value) if value is not None else None

    def schedule_filter(self) -> ScheduleFilter:
        trainer = self.trainer_id()
        status = self.status_combo.currentData()
        location = self.location_combo.currentData()
        return ScheduleFilter(
            trainer_ids=frozenset({trainer}) if trainer is not None else None,
            statuses=frozenset({Status(status)}) if status is not None else None,
            locations=frozenset({location}) if location is not None else None,
            text=self.search_edit.text(),
        )
