""""Show earlier …" with a note beside it: what a paged list (chat, activity) says about its history."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class EarlierRow(QWidget):
    """The button (while older items can be paged in) and a note (loading, or the most kept here)."""

    def __init__(self, things: str, clicked: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.things = things
        self.button = QPushButton(f"Show earlier {things}")
        self.button.setAccessibleName(f"Show earlier {things}")
        self.button.setFlat(True)
        self.button.clicked.connect(clicked)
        self.note = QLabel()
        self.note.setProperty("role", "hint")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.note, 1)

    def show_state(self, *, more: bool, full: bool, loading: bool, kept: str) -> None:
        """``more``: older items exist; ``full``: the list holds all it may (``kept`` says how many)."""
        self.button.setVisible(more and not full)
        self.button.setEnabled(not loading)
        if loading:
            self.note.setText(f"Loading earlier {self.things}…")
        elif more and full:
            self.note.setText(f"Only the latest {kept} are kept here.")
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))
        self.setVisible(self.button.isVisibleTo(self) or self.note.isVisibleTo(self))

    def say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(True)
        self.setVisible(True)
