"""The status-bar strip: connection state, latency and quality, changes waiting
to be sent, refused changes, and "Retry now" while the server is out of reach."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ..net.link import LinkState
from ..net.metrics import MetricsSnapshot, Quality

MESSAGE_MS = 10_000

_STATE_TEXT = {
    LinkState.DISCONNECTED: ("Offline", "#b3261e"),
    LinkState.CONNECTING: ("Connecting…", "#8a5a00"),
    LinkState.AUTHENTICATING: ("Signing in…", "#8a5a00"),
    LinkState.SYNCING: ("Catching up…", "#8a5a00"),
    LinkState.LIVE: ("Live", "#1e7b34"),
    LinkState.RECONNECTING: ("Reconnecting…", "#8a5a00"),
    LinkState.CIRCUIT_OPEN: ("Server unreachable", "#b3261e"),
}

_QUALITY_COLOR = {Quality.EXCELLENT: "#1e7b34", Quality.GOOD: "#3b7d23",
                  Quality.POOR: "#8a5a00", Quality.CRITICAL: "#b3261e"}


class ConnectionStatus(QWidget):
    retryRequested = Signal()
    failedClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionStatus")
        self.state_label = QLabel()
        self.state_label.setObjectName("connectionState")
        self.state_label.setAccessibleName("Connection state")
        self.health_label = QLabel()
        self.health_label.setAccessibleName("Connection health")
        self.pending_label = QLabel()
        self.pending_label.setAccessibleName("Changes waiting to be sent")
        self.failed_button = QPushButton()
        self.failed_button.setFlat(True)
        self.failed_button.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.failed_button.clicked.connect(self.failedClicked)
        self.failed_button.hide()
        self.retry_button = QPushButton("Retry now")
        self.retry_button.clicked.connect(self.retryRequested)
        self.retry_button.hide()
        self.message_label = QLabel()
        self.message_label.setObjectName("statusMessage")
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.message_label.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for widget in (self.state_label, self.health_label, self.pending_label, self.failed_button,
                       self.retry_button, self.message_label):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.state = LinkState.DISCONNECTED
        self.set_state(LinkState.CONNECTING, "")

    def set_state(self, state: LinkState, detail: str) -> None:
        self.state = state
        text, color = _STATE_TEXT[state]
        self.state_label.setText(f"<b style='color:{color}'>● {text}</b>")
        self.state_label.setToolTip(detail or text)
        self.retry_button.setVisible(state in (LinkState.CIRCUIT_OPEN, LinkState.DISCONNECTED,
                                               LinkState.RECONNECTING))
        # Latency and quality describe a live connection; offline they would mislead.
        self.health_label.setVisible(state is LinkState.LIVE)
        if state is LinkState.CIRCUIT_OPEN or (state is LinkState.DISCONNECTED and detail):
            self.show_message(detail, error=True)

    def set_health(self, snapshot: MetricsSnapshot, pending: int, warn: bool) -> None:
        """Measured figures only: with no measurement yet it says so."""
        if snapshot.latency_p50_ms is None or snapshot.quality is None:
            self.health_label.setText("latency: no data yet")
        else:
            color = _QUALITY_COLOR[snapshot.quality]
            self.health_label.setText(
                f"{snapshot.latency_p50_ms:.0f} ms (p99 {snapshot.latency_p99_ms or 0:.0f}) · "
                f"<span style='color:{color}'>{snapshot.quality.value}</span>")
        if pending:
            style = "color: #b3261e; font-weight: bold;" if warn else "color: #8a5a00;"
            extra = " — more than the connection can keep up with; check the network" if warn else ""
            self.pending_label.setStyleSheet(style)
            self.pending_label.setText(f"{pending:,} change{'s' if pending != 1 else ''} waiting to be "
                                       f"sent{extra}")
            self.pending_label.show()
        else:
            self.pending_label.hide()

    def set_failed(self, count: int) -> None:
        self.failed_button.setText(f"{count} change{'s' if count != 1 else ''} not saved…")
        self.failed_button.setVisible(count > 0)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #b3261e;" if error else "")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._message_timer.start(MESSAGE_MS)
