"""Puts the notification center into the main window and routes new notifications to the channels."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow, QTabWidget

from ...core.notifications import Note, NotificationCenter
from ...notify.channels import DesktopChannel, Popup, SoundChannel, ToastChannel, TrayChannel
from ...notify.prefs import DeliveryPrefs
from ...notify.router import DeliveryRouter
from .pane import NotificationPane
from .toast import ToastManager

TICK_MS = 5000


def popup_for(note: Note) -> Popup:
    return Popup(str(note.id), note.title, note.message, note.category, note.priority, note.id)


class NotificationUI:
    """The pane (a tab with an unread badge), the toasts and the delivery router of one signed-in user."""

    def __init__(self, window: QMainWindow, tabs: QTabWidget, tab_index: int, center: NotificationCenter,
                 router: DeliveryRouter, pane: NotificationPane, toasts: ToastManager) -> None:
        self.window, self.tabs, self.tab_index = window, tabs, tab_index
        self.center, self.router, self.pane, self.toasts = center, router, pane, toasts
        self.timer = QTimer(pane)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(router.tick)
        self.timer.start()
        pane.titleChanged.connect(self._retitle)
        center.store.on_new.append(self.deliver)
        self._retitle(pane.tab_title)

    def _retitle(self, title: str) -> None:
        self.tabs.setTabText(self.tab_index, title)

    def deliver(self, note: Note) -> None:
        self.router.deliver(popup_for(note))

    def close(self) -> None:
        self.timer.stop()
        if self.deliver in self.center.store.on_new:
            self.center.store.on_new.remove(self.deliver)
        self.pane.close_down()
        sound = self.router._channels.get("sound")
        if isinstance(sound, SoundChannel):
            sound.close()


def install(window: Any, center: NotificationCenter, *, tray: Any | None = None,
            prefs: DeliveryPrefs | None = None, sound: bool = True) -> NotificationUI:
    """``window`` is the MainWindow (``add_pane`` and ``tabs``); ``tray`` is optional (showMessage…)."""
    pane = NotificationPane(center)
    index = window.add_pane(pane, "Notifications")
    toasts = ToastManager(window)
    prefs = prefs or DeliveryPrefs.load()
    channels: list[Any] = [ToastChannel(toasts.present), TrayChannel(tray), DesktopChannel()]
    if sound:
        channels.append(SoundChannel(prefs.volume))
    router = DeliveryRouter(channels, prefs)
    return NotificationUI(window, window.tabs, index, center, router, pane, toasts)
