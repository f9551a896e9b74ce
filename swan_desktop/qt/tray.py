"""The system tray: the connection's state and the unread count on the app icon,
a menu (Open, Do not disturb, Quit), a click that shows or hides the window,
and critical alerts as tray messages.

Everything works without a tray (many GNOME desktops have none): the window
then quits on close, and alerts appear as a message box on the window.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QSystemTrayIcon

from .preferences import Preferences

log = logging.getLogger(__name__)

CONNECTED, TROUBLE, OFFLINE = "connected", "trouble", "offline"
STATE_COLOURS = {CONNECTED: QColor("#2e9e5b"), TROUBLE: QColor("#e0a030"), OFFLINE: QColor("#8a939c")}
STATE_WORDS = {CONNECTED: "connected", TROUBLE: "connection trouble", OFFLINE: "offline"}
BADGE = QColor("#d0362b")
ICON_SIZES = (16, 22, 24, 32, 48, 64)
MESSAGE_MS = 8000
CLOSE_NOTICE = "tray/close_notice_shown"


def tray_state(link_state: str) -> str:
    """The three states the tray tells apart, from a ``LinkState`` value."""
    if link_state == "live":
        return CONNECTED
    if link_state in ("disconnected", "circuit-open"):
        return OFFLINE
    return TROUBLE


def badge_text(unread: int) -> str:
    return "" if unread <= 0 else ("99+" if unread > 99 else str(unread))


def render_icon(base: QIcon, state: str, unread: int, size: int, ratio: float = 1.0) -> QPixmap:
    """The app icon with a state dot (bottom left) and the unread badge (top right)."""
    pixels = round(size * ratio)
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    base.paint(painter, QRect(0, 0, pixels, pixels))
    dot = max(5, round(pixels * 0.36))
    painter.setPen(QColor("#ffffff"))
    painter.setBrush(STATE_COLOURS[state])
    painter.drawEllipse(QRect(1, pixels - dot - 1, dot, dot))
    text = badge_text(unread)
    if text:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, round(pixels * (0.42 if len(text) < 3 else 0.34))))
        painter.setFont(font)
        advance = painter.fontMetrics().horizontalAdvance(text)
        width = min(pixels, max(round(pixels * 0.55), advance + round(pixels * 0.14)))
        height = round(pixels * 0.55)
        rect = QRect(pixels - width, 0, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BADGE)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class Tray(QObject):
    """Owns the tray icon (when the desktop has a tray) and the window's close policy."""

    doNotDisturbToggled = Signal(bool)
    quitRequested = Signal()
    alertShown = Signal(str, str, bool)  # title, text, critical — however it was shown
    closeNoticeShown = Signal()

    def __init__(self, window: QMainWindow, icon: QIcon, prefs: Preferences | None = None,
                 available: bool | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.base_icon = icon
        self.prefs = prefs
        self.available = QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        self.state = OFFLINE
        self.detail = ""
        self.unread = 0
        self.fallback_box: QMessageBox | None = None

        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.menu.setAccessibleName("Swan Desktop tray menu")
        self.status_action = QAction("", self.menu)
        self.status_action.setEnabled(False)
        self.open_action = QAction("&Open Swan Desktop", self.menu)
        self.open_action.triggered.connect(self.show_window)
        self.dnd_action = QAction("&Do not disturb", self.menu)
        self.dnd_action.setCheckable(True)
        self.dnd_action.toggled.connect(self.doNotDisturbToggled)
        self.quit_action = QAction("&Quit", self.menu)
        self.quit_action.triggered.connect(self.quitRequested)
        self.menu.addAction(self.status_action)
        self.menu.addSeparator()
        self.menu.addAction(self.open_action)
        self.menu.addAction(self.dnd_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)

        self.icon: QSystemTrayIcon | None = None
        if self.available:
            self.icon = QSystemTrayIcon(self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
        self._refresh()
        window.hide_on_close = self.available  # type: ignore[attr-defined]
        hidden = getattr(window, "hiddenToTray", None)
        if hidden is not None:
            hidden.connect(self._window_hidden)

    # -- what the tray shows ---------------------------------------------------
    def show(self) -> None:
        if self.icon is not None:
            self.icon.show()

    def set_link_state(self, link_state: str, detail: str = "") -> None:
        """Slot for ``ScheduleController.linkStateChanged(state, detail)``."""
        self.state, self.detail = tray_state(link_state), detail
        self._refresh()

    def set_unread(self, count: int) -> None:
        """How many notifications the user has not seen (the badge; "99+" past 99)."""
        self.unread = max(0, int(count))
        self._refresh()

    def set_do_not_disturb(self, on: bool) -> None:
        """Reflect do-not-disturb decided elsewhere, without echoing ``doNotDisturbToggled``."""
        self.dnd_action.blockSignals(True)
        self.dnd_action.setChecked(on)
        self.dnd_action.blockSignals(False)

    def tooltip(self) -> str:
        lines = [f"Swan Desktop — {STATE_WORDS[self.state]}"]
        if self.detail and self.state != CONNECTED:
            lines.append(self.detail)
        if self.unread:
            lines.append(f"{badge_text(self.unread)} unread")
        return "\n".join(lines)

    def current_icon(self) -> QIcon:
        icon = QIcon()
        for size in ICON_SIZES:
            for ratio in (1.0, 2.0):
                icon.addPixmap(render_icon(self.base_icon, self.state, self.unread, size, ratio))
        return icon

    def _refresh(self) -> None:
        text = self.tooltip()
        self.status_action.setText(text.splitlines()[0].replace("Swan Desktop — ", "Status: "))
        if self.icon is not None:
            self.icon.setIcon(self.current_icon())
            self.icon.setToolTip(text)

    # -- alerts -----------------------------------------------------------------
    def show_alert(self, title: str, text: str, critical: bool = False) -> bool:
        """Show an alert as a tray message; without a tray a critical one opens a message box
        on the window (a plain one is left to the in-app notifications). True when shown."""
        shown = False
        if self.icon is not None and self.icon.supportsMessages():
            level = (QSystemTrayIcon.MessageIcon.Critical if critical
                     else QSystemTrayIcon.MessageIcon.Information)
            self.icon.showMessage(title, text, level, MESSAGE_MS)
            shown = True
        elif critical:
            if self.fallback_box is not None:
                self.fallback_box.close()
            box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok,
                              self.window)
            box.setWindowModality(Qt.WindowModality.NonModal)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.destroyed.connect(lambda *_: setattr(self, "fallback_box", None))
            self.fallback_box = box
            box.show()
            shown = True
        if shown:
            self.alertShown.emit(title, text, critical)
        return shown

    # -- the window ---------------------------------------------------------------
    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.show_window()

    def show_window(self) -> None:
        if self.window.isMinimized():
            self.window.showNormal()
        else:
            self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()

    def _window_hidden(self) -> None:
        """First close to the tray: say where the app went (once, ever)."""
        if self.icon is None or (self.prefs is not None and self.prefs.get(CLOSE_NOTICE)):
            return
        self.icon.showMessage("Swan Desktop is still running",
                              "It keeps the schedule live and shows alerts from here. "
                              "Choose Quit in this menu to close it.",
                              QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)
        if self.prefs is not None:
            self.prefs.set(CLOSE_NOTICE, True)
        self.closeNoticeShown.emit()

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()
