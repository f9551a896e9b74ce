"""Appearance page: follow the system's theme, or always light, or always dark."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QRadioButton, QVBoxLayout, QWidget

from ...settings.schema import THEMES
from ..preferences import Preferences
from .form import Page, hint

LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
KEY = "appearance/theme"


class AppearancePage(Page):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__("Appearance", parent)
        self.prefs = prefs
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        column = QVBoxLayout()
        for name in THEMES:
            button = QRadioButton(LABELS[name])
            button.setAccessibleName(f"Theme: {LABELS[name]}")
            self.group.addButton(button)
            self.buttons[name] = button
            column.addWidget(button)
            button.toggled.connect(lambda on, n=name: self._chosen(n, on))
        self.form.addRow("Theme", column)
        self.form.addRow("", hint("The change applies at once to every window."))
        self.finish()
        self.buttons[prefs.get(KEY)].setChecked(True)
        prefs.changed.connect(self._changed)

    def _chosen(self, name: str, on: bool) -> None:
        if on:
            self.prefs.set(KEY, name)

    def _changed(self, name: str, value: object) -> None:
        if name == KEY and isinstance(value, str) and value in self.buttons:
            self.buttons[value].setChecked(True)
