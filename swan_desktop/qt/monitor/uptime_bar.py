"""``UptimeBar``: one thin block per bucket of the range, coloured by the worst status in it."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from .figures import NO_DATA_COLOR, STATUS_COLORS

#: At most this many blocks are drawn; more buckets are merged (worst status wins).
MAX_BLOCKS = 90
_ORDER = {None: 0, "unknown": 1, "healthy": 2, "degraded": 3, "critical": 4}


def merge(statuses: list[str | None], blocks: int = MAX_BLOCKS) -> list[str | None]:
    """Fold ``statuses`` into at most ``blocks`` entries, keeping the worst of each group."""
    if len(statuses) <= blocks:
        return list(statuses)
    out: list[str | None] = []
    for i in range(blocks):
        group = statuses[i * len(statuses) // blocks:(i + 1) * len(statuses) // blocks]
        out.append(max(group, key=lambda s: _ORDER.get(s, 0)))
    return out


class UptimeBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blocks: list[str | None] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(300, 22)

    def set_statuses(self, statuses: list[str | None]) -> None:
        self.blocks = merge(statuses)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(0, 0, 0, 0))
        count = max(len(self.blocks), 1)
        gap = 1.5
        width = (self.width() - gap * (count - 1)) / count
        for i, status in enumerate(self.blocks or [None]):
            color = STATUS_COLORS.get(status, NO_DATA_COLOR) if status else NO_DATA_COLOR
            painter.setBrush(QColor(color))
            block = QRectF(i * (width + gap), 2, max(width, 1.0), self.height() - 4)
            painter.drawRoundedRect(block, 1.5, 1.5)
        painter.end()
