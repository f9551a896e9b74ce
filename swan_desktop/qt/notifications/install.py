"""Puts the notification center into the main window and routes new notifications to the channels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QTabWidget

from ...core.notifications import Note, NotificationCenter, NotificationStore
from ...notify.channels import (
    ChannelUnavailable,
    DesktopChannel,
    Popup,
    SoundChannel,
    ToastChannel,
    TrayChannel,
)
from ...notify.prefs import DeliveryPrefs
from ...notify.router import DeliveryRouter
from ...protocol.timefmt import parse_ts
from .pane import NotificationPane
from .prefs_state import NotificationPrefs
from .tab import NotificationTab
from .toast import ToastManager

if TYPE_CHECKING:
    from .analytics import AnalyticsView

TICK_MS = 5000


def popup_for(note: Note) -> Popup:
    return Popup(str(note.id), note.title, note.message, note.category, note.priority, note.id,
                 tuple((a.id, a.label) for a in note.actions))


class ActionRelay(QObject):
    """Carries a desktop pop-up's button (heard on the D-Bus thread) to the GUI thread."""

    invoked = Signal(int, str)  # notification id, action id


class NotificationUI:
    """The pane (a tab with an unread badge), the toasts and the delivery router of one signed-in user."""

    def __init__(self, window: QMainWindow, tabs: QTabWidget, tab_index: int, center: NotificationCenter,
                 router: DeliveryRouter, pane: NotificationPane, toasts: ToastManager,
                 tab: NotificationTab | None = None) -> None:
        self.window, self.tabs, self.tab_index = window, tabs, tab_index
        self.center, self.router, self.pane, self.toasts = center, router, pane, toasts
        #: The tab holding the center and its analytics ("Center | Analytics").
        self.tab = tab
        self.timer = QTimer(pane)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(router.tick)
        self.timer.start()
        pane.titleChanged.connect(self._retitle)
        center.store.on_new.append(self.deliver)
        pane.detail.lookup = router.status.get
        router.on_status.append(self._status_changed)
        #: A desktop pop-up's button runs the same server-backed action as the center's.
        self.relay = ActionRelay(pane)
        self.relay.invoked.connect(self.run_popup_action)
        desktop = router._channels.get("desktop")
        if isinstance(desktop, DesktopChannel) and desktop.dbus is not None:
            desktop.dbus.on_action = self.relay.invoked.emit
        self._retitle(pane.tab_title)

    def open_sessions_in(self, schedule: Any) -> None:
        """"Open session" (in the center, a toast or a desktop pop-up) shows the session in
        ``schedule`` (the SchedulePane): its tab comes forward, on the session's day, selected."""
        self.pane.openSession.connect(lambda sid, start: self._open_session(schedule, sid, start))

    def open_clients_in(self, clients: Any) -> None:
        """"Open client card" shows the client's card in ``clients`` (the ClientsPane)."""
        self.pane.openClient.connect(lambda cid: self._open_client(clients, cid))

    def _open_client(self, clients: Any, client_id: int) -> None:
        self._forward(clients)
        clients.setCurrentWidget(clients.page)
        clients.page.open_client(client_id)

    def _forward(self, tab: Any) -> None:
        self.tabs.setCurrentWidget(tab)
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _open_session(self, schedule: Any, session_id: int, start: str) -> None:
        """The session's day, with it selected: from this PC's copy when it has one, else from the
        start the server answered (a day not loaded here, such as next month's: it loads)."""
        session = schedule.store.get(session_id)
        if session is None and not start:
            self.pane.status.setText("That session was deleted: it is no longer on the schedule.")
            return
        self._forward(schedule)
        if session is not None:
            schedule.go_to_session(session)
        else:
            schedule.go_to_session_at(session_id, parse_ts(start))

    def run_popup_action(self, nid: int, action_id: str) -> None:
        note = self.center.store.get(nid)
        action = next((a for a in note.actions if a.id == action_id), None) if note else None
        if action is not None:
            self.pane.run_action(nid, action)

    def _retitle(self, title: str) -> None:
        self.tabs.setTabText(self.tab_index, title)

    def _status_changed(self, key: str) -> None:
        note = self.pane.detail.note
        if note is not None and str(note.id) == key:
            self.pane.show_detail()

    def deliver(self, note: Note) -> None:
        self.router.deliver(popup_for(note))

    def test_sound(self) -> str:
        """Play the normal-priority chime at the current volume; raises when it cannot play."""
        sound = self.router._channels.get("sound")
        if sound is None:
            raise ChannelUnavailable("sound is turned off in this window")
        if not sound.available():
            raise ChannelUnavailable("no audio output")
        return sound.show(Popup("test", "Test sound", "", "system", "normal"))

    def close(self) -> None:
        self.timer.stop()
        if self._status_changed in self.router.on_status:
            self.router.on_status.remove(self._status_changed)
        if self.deliver in self.center.store.on_new:
            self.center.store.on_new.remove(self.deliver)
        self.pane.close_down()
        sound = self.router._channels.get("sound")
        if isinstance(sound, SoundChannel):
            sound.close()
        desktop = self.router._channels.get("desktop")
        if isinstance(desktop, DesktopChannel):
            desktop.close()


def _analytics_view(store: NotificationStore) -> AnalyticsView:
    from .analytics import AnalyticsView  # QtCharts: when the analytics are first shown

    return AnalyticsView(store)


def install(window: Any, center: NotificationCenter, *, tray: Any | None = None,
            prefs: DeliveryPrefs | None = None, sound: bool = True) -> NotificationUI:
    """``window`` is the MainWindow (``add_pane`` and ``tabs``); ``tray`` is optional (showMessage…)."""
    pane = NotificationPane(center)
    tab = NotificationTab(pane, lambda: _analytics_view(center.store))
    index = window.add_pane(tab, "Notifications")
    toasts = ToastManager(window)
    prefs = prefs or DeliveryPrefs.load()
    channels: list[Any] = [ToastChannel(toasts.present), TrayChannel(tray), DesktopChannel()]
    if sound:
        channels.append(SoundChannel(prefs.volume))
    router = DeliveryRouter(channels, prefs)
    return NotificationUI(window, window.tabs, index, center, router, pane, toasts, tab)


def attach_settings(shell: Any, ui: NotificationUI) -> NotificationPrefs:
    """Give the settings dialog its Notifications page and share do-not-disturb with the tray.

    ``shell`` is the DesktopShell (``tray``, ``extra_pages``). The page and the
    tray's Do-not-disturb item change one :class:`NotificationPrefs`, which
    applies every change to ``ui.router`` at once.
    """
    from ..settings_pages.notifications import NotificationSettingsPage

    state = NotificationPrefs(ui.router, parent=ui.pane)
    shell.tray.doNotDisturbToggled.connect(state.tray_toggled)
    state.dndChanged.connect(shell.tray.set_do_not_disturb)
    shell.tray.set_do_not_disturb(state.dnd_active)
    shell.extra_pages.append(("Notifications",
                              lambda: NotificationSettingsPage(state, ui.center, ui.test_sound)))
    return state
