"""A week of working (or opening) hours: one line per weekday, breaks as several
spans (``09:00–12:00, 13:00–18:00``), an empty line for a day off."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from ...core.hours_text import WEEKDAYS, Week, format_week, parse_week
from ..settings_pages.form import error


class HoursEditor(QWidget):
    def __init__(self, placeholder: str = "e.g. 09:00–12:00, 13:00–18:00 (empty: day off)",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(4)
        self.lines: list[QLineEdit] = []
        for day in WEEKDAYS:
            line = QLineEdit()
            line.setPlaceholderText(placeholder)
            line.setAccessibleName(f"{day} hours")
            self.lines.append(line)
            form.addRow(f"{day}:", line)
        self.error: QLabel = error()
        form.addRow(self.error)

    def set_hours(self, hours: Sequence[tuple[int, str, str]]) -> None:
        for line, text in zip(self.lines, format_week(hours), strict=True):
            line.setText(text)
        self.error.hide()

    def fill_weekdays(self, text: str) -> None:
        """Monday to Friday get ``text``, the weekend stays empty (a quick start)."""
        for line in self.lines[:5]:
            line.setText(text)

    def hours(self) -> Week | None:
        """The week typed, or None (and the reason shown under the lines)."""
        try:
            week = parse_week([line.text() for line in self.lines])
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return None
        self.error.hide()
        return week
