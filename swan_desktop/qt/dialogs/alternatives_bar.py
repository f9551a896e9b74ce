"""Up to three free alternatives under a clash, each one click away."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ...core.alternatives import Alternative


class AlternativesBar(QWidget):
    """"Free nearby: [10:30 with Jonah Brooks] [Ben Ortiz at 10:00]"; ``chosen(Alternative)``."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alternativesBar")
        self.setAccessibleName("Free alternatives")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addWidget(QLabel("Free nearby:"))
        self.buttons: list[QPushButton] = []
        self._row.addStretch(1)
        self.setVisible(False)

    def show_alternatives(self, items: list[Alternative]) -> None:
        for button in self.buttons:
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for index, item in enumerate(items):
            button = QPushButton(item.label)
            button.setAutoDefault(False)
            button.setToolTip("Use this instead")
            button.clicked.connect(lambda _=False, it=item: self.chosen.emit(it))
            self._row.insertWidget(1 + index, button)
            self.buttons.append(button)
        self.setVisible(bool(items))
