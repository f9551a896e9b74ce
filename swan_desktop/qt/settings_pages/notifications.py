"""Notifications page: channels per category and per priority, sound, quiet hours, do-not-disturb, email.

Everything but email is this PC's and applies at once through
:class:`~swan_desktop.qt.notifications.prefs_state.NotificationPrefs` (saved,
handed to the delivery router). Email address, opt-in, minimum priority and
the low-priority digest live on the server, with the confirmation of a new
address (:mod:`.email_box`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QWidget,
)

from ...core.notifications import NotificationCenter
from ...domain.quiet_hours import QuietHours, Window
from ...notify.prefs import CATEGORIES, CHANNELS, PRIORITIES
from ..notifications.prefs_state import DND_CHOICES, NotificationPrefs
from .email_box import EmailBox
from .form import Page, error, hint

log = logging.getLogger(__name__)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHANNEL_LABELS = {"toast": "Pop-up", "sound": "Sound", "desktop": "Desktop", "tray": "Tray"}


def parse_quiet(text: str) -> Window | None:
    """``""`` → no quiet hours; ``"22:00-07:00"`` → a window (may wrap midnight); ValueError in words."""
    text = text.strip()
    if not text:
        return None
    if "-" not in text.replace("–", "-"):
        raise ValueError("Write it as 22:00–07:00 (start–end)")
    window = Window.parse(text)
    if window.start == window.end:
        raise ValueError("Start and end must differ")
    return window


class NotificationSettingsPage(Page):
    def __init__(self, state: NotificationPrefs, center: NotificationCenter | None = None,
                 test_sound: Callable[[], str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Notifications", parent)
        self.state = state
        self.center = center
        self.test_sound = test_sound
        prefs = state.prefs

        # -- channels ----------------------------------------------------------------
        self.category_boxes: dict[tuple[str, str], QCheckBox] = {}
        self.priority_boxes: dict[tuple[str, str], QCheckBox] = {}
        channels = QGroupBox("Where notifications appear")
        grid = QGridLayout(channels)
        grid.setHorizontalSpacing(18)
        for col, channel in enumerate(CHANNELS, start=1):
            head = QLabel(f"<b>{CHANNEL_LABELS[channel]}</b>")
            grid.addWidget(head, 0, col, Qt.AlignmentFlag.AlignHCenter)
        row = 1
        for rows, boxes, chosen in ((CATEGORIES, self.category_boxes, prefs.by_category),
                                    (PRIORITIES, self.priority_boxes, prefs.by_priority)):
            for name in rows:
                grid.addWidget(QLabel(name.capitalize()), row, 0)
                for col, channel in enumerate(CHANNELS, start=1):
                    box = QCheckBox()
                    box.setAccessibleName(f"{CHANNEL_LABELS[channel]} for {name}")
                    box.setChecked(channel in chosen.get(name, set(CHANNELS)))
                    box.toggled.connect(self._channels_changed)
                    boxes[(name, channel)] = box
                    grid.addWidget(box, row, col, Qt.AlignmentFlag.AlignHCenter)
                row += 1
            if rows is CATEGORIES:
                rule = QLabel("<i>and by priority</i>")
                grid.addWidget(rule, row, 0, 1, len(CHANNELS) + 1)
                row += 1
        channels_hint = hint("A notification appears on a channel when both its category and its priority "
                             "have that channel ticked. Desktop falls back to the tray, then to a pop-up.")
        self.outer.insertWidget(1, channels)
        self.outer.insertWidget(2, channels_hint)

        # -- sound -----------------------------------------------------------------------
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(round(prefs.volume * 100))
        self.volume.setAccessibleName("Sound volume")
        self.volume_label = QLabel(f"{self.volume.value()} %")
        self.volume_label.setMinimumWidth(44)
        self.volume.valueChanged.connect(self._volume_changed)
        self.test_button = QPushButton("Test sound")
        self.test_button.clicked.connect(self._test_sound)
        self.sound_status = QLabel()
        self.sound_status.setProperty("role", "hint")
        sound_row = QHBoxLayout()
        sound_row.addWidget(self.volume, 1)
        sound_row.addWidget(self.volume_label)
        sound_row.addWidget(self.test_button)
        self.form.addRow("Sound volume:", sound_row)
        self.form.addRow("", self.sound_status)

        # -- quiet hours ---------------------------------------------------------------------
        self.quiet_edits: list[QLineEdit] = []
        self.quiet_errors: list[QLabel] = []
        quiet = QGroupBox("Quiet hours (pop-ups and sounds wait; the center still fills)")
        qgrid = QGridLayout(quiet)
        for day, name in enumerate(DAYS):
            edit = QLineEdit(str(prefs.quiet.windows[day]).replace("-", "–") if day in prefs.quiet.windows
                             else "")
            edit.setPlaceholderText("none, or 22:00–07:00")
            edit.setAccessibleName(f"Quiet hours on {name}")
            edit.setMaximumWidth(160)
            edit.editingFinished.connect(lambda d=day: self._quiet_changed(d))
            problem = error()
            qgrid.addWidget(QLabel(name), day, 0)
            qgrid.addWidget(edit, day, 1)
            qgrid.addWidget(problem, day, 2)
            self.quiet_edits.append(edit)
            self.quiet_errors.append(problem)
        qgrid.setColumnStretch(2, 1)
        self.critical = QCheckBox("Critical notifications break through quiet hours and do-not-disturb")
        self.critical.setChecked(prefs.critical_breaks_through)
        self.critical.toggled.connect(self._critical_changed)
        qgrid.addWidget(self.critical, len(DAYS), 0, 1, 3)
        self.outer.addWidget(quiet)

        # -- do not disturb ---------------------------------------------------------------------
        dnd = QGroupBox("Do not disturb")
        drow = QHBoxLayout(dnd)
        self.dnd_buttons: dict[str, QPushButton] = {}
        for label in DND_CHOICES:
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, c=label: state.set_dnd(c))
            self.dnd_buttons[label] = button
            drow.addWidget(button)
        self.dnd_off = QPushButton("Turn off")
        self.dnd_off.clicked.connect(lambda: state.set_dnd(None))
        drow.addWidget(self.dnd_off)
        self.dnd_status = QLabel()
        drow.addWidget(self.dnd_status, 1)
        self.outer.addWidget(dnd)

        # -- email (server) ------------------------------------------------------------------
        self.email_box = EmailBox(center)
        self.outer.addWidget(self.email_box)
        self.problem = error()
        self.outer.addWidget(self.problem)
        self.finish()

        state.changed.connect(self._show_dnd)
        state.dndChanged.connect(lambda _on: self._show_dnd())
        self._show_dnd()
        if center is not None:
            self.email_box.spawn(self.email_box.load())

    # -- local preferences -----------------------------------------------------------
    def _apply(self, edit: Callable[[Any], None]) -> None:
        prefs = self.state.copy()
        edit(prefs)
        problem = self.state.update(prefs)
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))

    def _channels_changed(self) -> None:
        def edit(prefs: Any) -> None:
            prefs.by_category = {c: {ch for ch in CHANNELS if self.category_boxes[(c, ch)].isChecked()}
                                 for c in CATEGORIES}
            prefs.by_priority = {p: {ch for ch in CHANNELS if self.priority_boxes[(p, ch)].isChecked()}
                                 for p in PRIORITIES}
        self._apply(edit)

    def _volume_changed(self, value: int) -> None:
        self.volume_label.setText(f"{value} %")
        self._apply(lambda prefs: setattr(prefs, "volume", value / 100))

    def _test_sound(self) -> None:
        if self.test_sound is None:
            self.sound_status.setText("Sound is not available in this window.")
            return
        try:
            self.sound_status.setText(f"Test sound: {self.test_sound()}")
        except Exception as err:  # noqa: BLE001 - any failure of the sound device is told in words
            self.sound_status.setText(f"The test sound could not play: {err}")

    def _quiet_changed(self, day: int) -> bool:
        """Validate one weekday's field; a valid one is applied at once. Returns whether it was valid."""
        text = self.quiet_edits[day].text()
        problem = self.quiet_errors[day]
        try:
            window = parse_quiet(text)
        except ValueError as err:
            problem.setText(str(err).rstrip(".") + ".")
            problem.setVisible(True)
            return False
        problem.setVisible(False)

        def edit(prefs: Any) -> None:
            windows = dict(prefs.quiet.windows)
            if window is None:
                windows.pop(day, None)
            else:
                windows[day] = window
            prefs.quiet = QuietHours(windows)
        self._apply(edit)
        return True

    def _critical_changed(self, on: bool) -> None:
        self._apply(lambda prefs: setattr(prefs, "critical_breaks_through", on))

    def _show_dnd(self) -> None:
        until = self.state.prefs.dnd_until
        if self.state.dnd_active and until is not None:
            now = self.state.clock()
            when = f"{until:%H:%M}" if until.date() == now.date() else f"{until:%a %H:%M}"
            self.dnd_status.setText(f"<b>On</b> until {when}")
        else:
            self.dnd_status.setText("Off")
        self.dnd_off.setEnabled(self.state.dnd_active)

    def close_down(self) -> None:
        self.email_box.close_down()
