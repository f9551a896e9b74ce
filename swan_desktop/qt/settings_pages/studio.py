"""Studio page (admins): the conflict strategy, the studio's time zone and its cancellation window.

These are the server's settings, shared by everyone: the page loads them with
``studio.settings.get``, saves each change at once with ``studio.settings.set``
(the time zone once it names a real IANA zone, the window when editing ends)
and follows changes made elsewhere (``studio:settings-changed``).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...core.collab.client import CollabClient
from ...domain.merge import STRATEGIES
from ...net.connection import ConnectionLost, RequestTimeout
from ...protocol.errors import ProtocolError
from ..tasks import spawn
from .form import Page, error, hint
from .zone_picker import ZonePicker

#: Each strategy in one line.
EXPLAINED = {
    "auto-merge": "Changes to different fields are combined; the same field changed by two people "
                  "asks the second one to choose.",
    "manual-review": "Whoever saves second sees base, theirs and mine side by side and chooses per field.",
    "last-write-wins": "The later save wins; the value it replaced is kept in the activity feed.",
    "first-write-wins": "The earlier save stands; the later change is not applied and shows in the feed.",
}
TITLES = {"auto-merge": "Auto-merge", "manual-review": "Manual review",
          "last-write-wins": "Last write wins", "first-write-wins": "First write wins"}


@cache
def zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def valid_zone(name: str) -> bool:
    """Empty (the server's own zone) or an IANA zone name this machine knows."""
    if not name:
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return False
    return True


class StudioSettingsPage(Page):
    def __init__(self, collab: CollabClient, parent: QWidget | None = None) -> None:
        super().__init__("Studio", parent)
        self.setAccessibleName("Studio settings")
        self.collab = collab
        self.settings: dict[str, str] = dict(collab.settings)
        self.outer.insertWidget(1, hint("Shared by everyone in the studio; only admins change them. "
                                         "Each change is saved at once."))

        self.strategy_group = QButtonGroup(self)
        self.strategy_buttons: dict[str, QRadioButton] = {}
        choices = QWidget()
        column = QVBoxLayout(choices)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for name in STRATEGIES:
            button = QRadioButton(TITLES.get(name, name))
            button.setAccessibleName(TITLES.get(name, name))
            button.setAccessibleDescription(EXPLAINED.get(name, ""))
            explanation = hint(EXPLAINED.get(name, ""))
            explanation.setContentsMargins(24, 0, 0, 6)
            self.strategy_group.addButton(button)
            self.strategy_buttons[name] = button
            column.addWidget(button)
            column.addWidget(explanation)
            button.toggled.connect(lambda on, n=name: self._strategy_toggled(n, on))
        self.form.addRow(_label("When two people edit\nthe same session"), choices)

        self.zone_edit = ZonePicker()
        self.zone_edit.setAccessibleName("Studio time zone")
        self.zone_edit.zoneChosen.connect(lambda _zone: self.save_zone())
        self.zone_edit.editTextChanged.connect(lambda _t: self._zone_problem(""))
        self.zone_error = error()
        zone_box = QWidget()
        zone_column = QVBoxLayout(zone_box)
        zone_column.setContentsMargins(0, 0, 0, 0)
        zone_column.addWidget(self.zone_edit)
        zone_column.addWidget(hint("The city whose clock the studio keeps; working hours, free slots "
                                   "and the schedule's days follow it."))
        zone_column.addWidget(self.zone_error)
        self.form.addRow(_label("Time zone"), zone_box)

        self.window_spin = QDoubleSpinBox()
        self.window_spin.setAccessibleName("Cancellation window in hours")
        self.window_spin.setRange(0, 720)
        self.window_spin.setDecimals(1)
        self.window_spin.setSingleStep(1)
        self.window_spin.setSuffix(" h")
        self.window_spin.setKeyboardTracking(False)
        self.window_spin.editingFinished.connect(self.save_window)
        window_box = QWidget()
        window_column = QVBoxLayout(window_box)
        window_column.setContentsMargins(0, 0, 0, 0)
        window_column.addWidget(self.window_spin, 0, Qt.AlignmentFlag.AlignLeft)
        window_column.addWidget(hint("Cancelled at least this long before the start, a used credit goes "
                                     "back to the client; later, it does not (0 to 720 hours)."))
        self.form.addRow(_label("Cancellation window"), window_box)

        self.status = error()
        self.form.addRow(self.status)
        self.finish()
        self._loading = False
        self._changes_seen = 0
        self.show_settings(self.settings)
        collab.settings_listeners.append(self._changed_elsewhere)
        self.destroyed.connect(lambda *_: _forget(collab, self._changed_elsewhere))

    # -- loading ------------------------------------------------------------------------
    def load(self) -> Awaitable[None]:
        """Fetch the settings from the server (``studio.settings.get``) and show them.

        A change announced while the answer is on its way is newer than the
        answer: then the answer is not shown over it.
        """
        return spawn(self._run(self.collab.load_settings(), since=self._changes_seen))

    def show_settings(self, settings: dict[str, str]) -> None:
        self.settings = dict(settings)
        self._loading = True
        try:
            button = self.strategy_buttons.get(settings.get("conflict_strategy", "auto-merge"))
            if button is not None:
                button.setChecked(True)
            if not self.zone_edit.hasFocus() or settings.get("timezone", "") != self.zone_edit.zone():
                self.zone_edit.set_zone(settings.get("timezone", ""))
            self._zone_problem("")
            try:
                self.window_spin.setValue(float(settings.get("cancellation_window_h", "24")))
            except ValueError:
                self.window_spin.setValue(24)
        finally:
            self._loading = False

    def _changed_elsewhere(self, settings: dict[str, str]) -> None:
        self._changes_seen += 1
        self.show_settings(settings)

    def strategy(self) -> str:
        return next((n for n, b in self.strategy_buttons.items() if b.isChecked()), "")

    # -- saving ---------------------------------------------------------------------------------
    def save_zone(self) -> None:
        name = self.zone_edit.zone()
        if name == self.settings.get("timezone", ""):
            return
        if not valid_zone(name):
            self._zone_problem(f"No city called “{name}” is known; type part of a city's name "
                               "and pick it from the list.")
            return
        self._zone_problem("")
        self._save({"timezone": name})

    def save_window(self) -> None:
        value = self.window_spin.value()
        current = self.settings.get("cancellation_window_h", "24")
        try:
            if float(current) == value:
                return
        except ValueError:
            pass
        self._save({"cancellation_window_h": int(value) if value.is_integer() else value})

    def _strategy_toggled(self, name: str, on: bool) -> None:
        if on and name != self.settings.get("conflict_strategy"):
            self._save({"conflict_strategy": name})

    def _zone_problem(self, text: str) -> None:
        self.zone_error.setText(text)
        self.zone_error.setVisible(bool(text))

    def _save(self, changes: dict[str, Any]) -> None:
        if self._loading:
            return
        spawn(self._run(self.collab.change_settings(changes), saved="Saved."))

    async def _run(self, op: Awaitable[dict[str, str]], saved: str = "",
                   since: int | None = None) -> None:
        try:
            settings = await op
        except ProtocolError as exc:
            self._say(f"Not saved: {exc.message}", error=True)
            self.show_settings(self.settings)  # back to what the server has
            return
        except (ConnectionLost, RequestTimeout):
            self._say("Not connected to the studio server; nothing was changed.", error=True)
            self.show_settings(self.settings)
            return
        if since is not None and since != self._changes_seen:
            return  # a newer change arrived while this answer was on its way
        self.show_settings(settings)
        self._say(saved, error=False)

    def _say(self, text: str, error: bool) -> None:
        self.status.setProperty("role", "error" if error else "hint")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(text)
        self.status.setVisible(bool(text))


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return label


def _forget(collab: CollabClient, fn: Callable[[dict[str, str]], None]) -> None:
    if fn in collab.settings_listeners:
        collab.settings_listeners.remove(fn)
