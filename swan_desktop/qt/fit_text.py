"""Text that says as much as the room allows: the first of several wordings that fits.

A line may hold alternatives joined by :data:`ALT` ("Ana Kowalski · PT", "AK · PT",
"AK"); painters show the longest one that fits and elide the last one otherwise.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

ALT = "\x1f"


def alternatives(*wordings: str) -> str:
    return ALT.join(w for w in wordings if w)


def first_wording(line: str) -> str:
    """The fullest wording of a line (for tests, tooltips and accessibility)."""
    return line.split(ALT, 1)[0]


def fitting(fm: QFontMetrics, line: str, width: float) -> str:
    options = line.split(ALT)
    for option in options:
        if fm.horizontalAdvance(option) <= width:
            return option
    return fm.elidedText(options[-1], Qt.TextElideMode.ElideRight, max(0, int(width)))
