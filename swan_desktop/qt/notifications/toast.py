"""``ToastManager``: the app's own pop-ups, stacked in the window's lower right corner.

Critical ones stay until dismissed; the others close after 5 s.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...notify.channels import Popup
from .model import PRIORITY_COLORS

TOAST_MS = 5000
WIDTH = 340


class Toast(QFrame):
    closed = Signal(object)

    def __init__(self, popup: Popup, parent: QWidget) -> None:
        super().__init__(parent)
        self.popup = popup
        self.setObjectName("toast")
        color = PRIORITY_COLORS.get(popup.priority, "#37474f")
        self.setStyleSheet(
            f"#toast {{ background: #ffffff; border: 1px solid #cfd8dc; border-left: 5px solid {color};"
            " border-radius: 6px; }")
        self.setFixedWidth(WIDTH)
        title = QLabel(popup.title)
        title.setStyleSheet("font-weight: bold; color: #263238;")
        title.setWordWrap(True)
        body = QLabel(popup.message)
        body.setWordWrap(True)
        body.setStyleSheet("color: #455a64;")
        tag = QLabel(f"{popup.priority.capitalize()} · {popup.category}")
        tag.setStyleSheet(f"color: {color}; font-size: 11px;")
        close = QPushButton("Dismiss" if popup.sticky else "Close")
        close.setAccessibleName("Dismiss notification")
        close.clicked.connect(self.dismiss)
        text = QVBoxLayout()
        text.addWidget(tag)
        text.addWidget(title)
        text.addWidget(body)
        row = QHBoxLayout(self)
        row.addLayout(text, 1)
        row.addWidget(close)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.dismiss)
        if not popup.sticky:
            self.timer.start(TOAST_MS)

    def dismiss(self) -> None:
        self.timer.stop()
        self.hide()
        self.closed.emit(self)
        self.deleteLater()


class ToastManager:
    """Presents :class:`Popup`s as :class:`Toast`s over ``host`` (the main window)."""

    def __init__(self, host: QWidget) -> None:
        self._host = host
        self.toasts: list[Toast] = []

    def present(self, popup: Popup) -> None:
        toast = Toast(popup, self._host)
        toast.closed.connect(self._closed)
        self.toasts.append(toast)
        toast.adjustSize()
        toast.show()
        toast.raise_()
        self._layout()

    def _closed(self, toast: Toast) -> None:
        if toast in self.toasts:
            self.toasts.remove(toast)
        self._layout()

    def _layout(self) -> None:
        y = self._host.height() - 16
        for toast in reversed(self.toasts):
            y -= toast.sizeHint().height()
            toast.move(self._host.width() - WIDTH - 16, max(0, y))
            y -= 8
