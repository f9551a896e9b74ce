"""The panes and menus beside the schedule, installed once the schedule has painted.

Notifications, collaboration (avatars, outlines, edit locks, chat), the
administration tab, the clients tab (and a group session's clients in the
details), the system monitor, file actions (.ics, PDF, print) and the schedule
menu are imported and built here, after the first paint, so the
window shows in well under a second; they appear a moment later.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from ..core.client import StudioClient
from .desktop_shell import DesktopShell
from .main_window import MainWindow
from .schedule_pane import SchedulePane


@dataclass
class Features:
    collaboration: Any
    administration: Any
    clients: Any
    monitor: Any | None

    def stop(self) -> None:
        self.collaboration.stop()
        self.administration.stop()
        self.clients.stop()
        if self.monitor is not None:
            self.monitor.stop()


async def install_features(window: MainWindow, pane: SchedulePane, client: StudioClient,
                           shell: DesktopShell, *, admin: bool) -> Features:
    """Install them one by one, letting the loop run in between (the window stays responsive)."""
    from .admin.install import install as install_administration
    from .clients.install import install as install_clients
    from .collab.install import attach_settings as attach_studio_settings
    from .collab.install import install as install_collaboration
    from .file_actions import FileActions
    from .monitor import MonitorPane
    from .notifications.install import attach_settings as attach_notification_settings
    from .notifications.install import install as install_notifications
    from .schedule_menu import ScheduleMenu

    await asyncio.sleep(0)
    notifications = install_notifications(window, client.notifications, tray=shell.tray.icon)
    notifications.pane.titleChanged.connect(
        lambda _title: shell.tray.set_unread(client.notifications.store.unread))
    attach_notification_settings(shell, notifications)  # settings page; tray's Do-not-disturb
    notifications.open_sessions_in(pane)  # "Open session" shows it in the schedule
    await asyncio.sleep(0)
    collaboration = install_collaboration(window, pane, client)  # avatars, outlines, locks, chat tab
    attach_studio_settings(shell, client)  # admins: the Studio settings page
    await asyncio.sleep(0)
    files = FileActions(window, pane, client)  # import/export .ics, PDF, print
    files.message.connect(lambda text: pane.editing.show_notice(text, error=False))
    ScheduleMenu(window, pane, client)  # find a free slot, check-in
    await asyncio.sleep(0)
    administration = install_administration(window, client)  # admins: the tab and set-up; trainers: My hours
    await asyncio.sleep(0)
    # the Clients tab; group places in the details; admins: Administration ▸ Client emails
    clients = install_clients(window, pane, client, administration.pane)
    notifications.open_clients_in(clients.pane)  # "Open client card" shows the card
    if pane.selected_session_id is not None:  # a session picked before the details' section existed
        clients.group.show_session(pane.selected_session_id)
    monitor: MonitorPane | None = None
    if admin:  # the server refuses others anyway
        monitor = MonitorPane(client.monitor, client.link.request, client.link.metrics.snapshot)
        window.add_pane(monitor, "Monitor")
    return Features(collaboration, administration, clients, monitor)
