"""A colour for a trainer or session type, with the contrast check shown as you pick.

The swatch carries sample block text in the colour the schedule would use on
it (white or the dark block text, whichever reads better) and says the WCAG
ratio; a colour on which neither reaches 4.5:1 is marked, and the server
refuses it too (``invalid``, field ``color``).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.block_contrast import AA, DARK_TEXT, best_text, is_hex_color, readable

#: Quick picks that all carry block text well (light and dark texts alike).
PRESETS = ("#1f5f8b", "#2e6b3a", "#7a2e8c", "#a23b2a", "#8a5a00", "#00707a", "#3d4f9f", "#f4d35e")


class ColorField(QWidget):
    changed = Signal(str)

    def __init__(self, color: str = "#1f5f8b", sample: str = "09:00 Dana W.",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sample_text = sample
        self.edit = QLineEdit(color)
        self.edit.setMaxLength(7)
        self.edit.setFixedWidth(90)
        self.edit.setAccessibleName("Colour (#rrggbb)")
        self.pick = QPushButton("Choose…")
        self.pick.setAccessibleName("Choose a colour")
        self.swatch = QLabel()
        self.swatch.setMinimumWidth(130)
        self.swatch.setAccessibleName("Sample session block")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Contrast")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(self.pick)
        row.addWidget(self.swatch, 1)
        presets = QHBoxLayout()
        presets.setContentsMargins(0, 0, 0, 0)
        presets.setSpacing(4)
        for preset in PRESETS:
            button = QPushButton()
            button.setFixedSize(22, 22)
            button.setToolTip(preset)
            button.setAccessibleName(f"Colour {preset}")
            button.setStyleSheet(f"background: {preset}; border: 1px solid #8a95a1; border-radius: 3px;")
            button.clicked.connect(lambda _=False, c=preset: self.set_color(c))
            presets.addWidget(button)
        presets.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        outer.addLayout(row)
        outer.addLayout(presets)
        outer.addWidget(self.verdict)
        self.edit.textChanged.connect(self._update)
        self.pick.clicked.connect(self._choose)
        self.dialog: QColorDialog | None = None
        self._update(color)

    def color(self) -> str:
        return self.edit.text().strip().lower()

    def set_color(self, color: str) -> None:
        self.edit.setText(color)

    def set_sample(self, text: str) -> None:
        """The words on the sample block (the name being typed)."""
        self.sample_text = text
        self._update(self.color())

    def acceptable(self) -> bool:
        return readable(self.color()) is not None

    def _choose(self) -> None:
        start = QColor(self.color()) if is_hex_color(self.color()) else QColor("#1f5f8b")
        dialog = self.dialog = QColorDialog(start, self)
        dialog.colorSelected.connect(lambda c: self.set_color(c.name()))
        dialog.currentColorChanged.connect(lambda c: self._update(c.name()))  # shown as you pick
        dialog.rejected.connect(lambda: self._update(self.color()))
        dialog.open()

    def _update(self, color: str) -> None:
        color = color.strip().lower()
        if not is_hex_color(color):
            self.swatch.setStyleSheet("border: 1px dashed #8a95a1; padding: 4px;")
            self.swatch.setText("")
            self.verdict.setText("Type a colour as #rrggbb, or choose one.")
            self.verdict.setProperty("role", "error")
            self._restyle()
            return
        text, ratio = best_text(color)
        self.swatch.setText(self.sample_text)
        self.swatch.setStyleSheet(f"background: {color}; color: {text}; padding: 4px 8px; "
                                  "border-radius: 4px; font-weight: 600;")
        words = "dark" if text == DARK_TEXT else "white"
        if ratio >= AA:
            self.verdict.setText(f"Contrast {ratio:.1f}:1 with {words} text — easy to read.")
            self.verdict.setProperty("role", "hint")
        else:
            shown = math.floor(ratio * 10) / 10  # never rounded up to look like a pass
            self.verdict.setText(f"Contrast only {shown:.1f}:1 (needs {AA}:1): session text would be hard "
                                 "to read. Pick a darker or a lighter colour.")
            self.verdict.setProperty("role", "error")
        self._restyle()
        self.changed.emit(color)

    def _restyle(self) -> None:
        style = self.verdict.style()
        style.unpolish(self.verdict)
        style.polish(self.verdict)
