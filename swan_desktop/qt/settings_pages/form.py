"""Shared look of a settings page: a heading, then rows, with hint and error labels."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget


class Page(QWidget):
    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(20, 16, 20, 16)
        self.outer.setSpacing(10)
        title = QLabel(heading)
        title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.outer.addWidget(title)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(10)
        self.outer.addLayout(self.form)

    def finish(self) -> None:
        self.outer.addStretch(1)


def hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "hint")
    return label


def error(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "error")
    label.setAccessibleName("Error")
    label.setVisible(bool(text))
    return label
