"""A chip that says a trainer filter is on — "Filtered: Jonah Brooks ✕" — and clears it.

The widget is the whole strip under the toolbar (hidden, it takes no room); the
pill inside it carries the words and the ✕.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class FilterChip(QWidget):
    """Signals: ``cleared()`` when ✕ is pressed."""

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        strip = QHBoxLayout(self)
        strip.setContentsMargins(10, 3, 10, 3)
        self.pill = QFrame()
        self.pill.setObjectName("filterChip")
        self.pill.setStyleSheet(
            "#filterChip { background: palette(highlight); border-radius: 10px; }"
            "#filterChip QLabel, #filterChip QToolButton { color: palette(highlighted-text);"
            " background: transparent; border: none; font-weight: bold; }")
        row = QHBoxLayout(self.pill)
        row.setContentsMargins(10, 2, 4, 2)
        row.setSpacing(4)
        self.label = QLabel()
        self.clear_button = QToolButton()
        self.clear_button.setText("✕")
        self.clear_button.setAccessibleName("Clear the trainer filter")
        self.clear_button.setToolTip("Show all trainers")
        self.clear_button.clicked.connect(self.cleared)
        row.addWidget(self.label)
        row.addWidget(self.clear_button)
        strip.addWidget(self.pill)
        strip.addStretch(1)
        self.setVisible(False)

    def show_filter(self, name: str | None) -> None:
        self.label.setText(f"Filtered: {name}" if name else "")
        self.setAccessibleName(f"Filtered: {name}" if name else "")
        self.setVisible(bool(name))
