"""Wire collaboration into the window: avatars under the schedule toolbar, outlines, presence, locks, tab.

``install(window, pane, client)`` and ``attach_settings(shell, client)`` (the admins' Studio
settings page) are all the composition root calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QBoxLayout, QTabWidget, QWidget

from ...core.client import StudioClient
from ...domain.permissions import can_edit_schedule
from ...protocol.entities import Role, User
from ..dialogs.session_dialog import SessionDialog
from ..schedule_pane import SchedulePane
from ..views.outline import Outline
from .admin import AdminActions
from .avatars import AvatarStrip
from .bridge import ObservableBridge
from .chat_badge import ChatBadge
from .edit_lock import EditLock
from .panel import CollabPanel
from .people_panel import PeoplePanel


@dataclass
class Collaboration:
    """What ``install`` built (tests and screenshots reach in here)."""

    avatars: AvatarStrip
    panel: CollabPanel
    presence: PresenceReporter
    bridge: ObservableBridge
    admin: AdminActions
    people: PeoplePanel
    badge: ChatBadge | None = None

    def stop(self) -> None:
        self.bridge.detach()
        self.panel.bridge.detach()


class PresenceReporter(QObject):
    """Tells the server what this user does in the schedule pane (viewing, selecting, editing, dragging)."""

    def __init__(self, pane: SchedulePane, client: StudioClient) -> None:
        super().__init__(pane)
        self.pane, self.collab = pane, client.collab
        self.locks: dict[SessionDialog, EditLock] = {}
        self._client = client
        self._pressed: int | None = None
        pane.rangeChanged.connect(lambda *_: self.viewing())
        pane.sessionSelected.connect(lambda sid: self._report("selecting", sid))
        pane.editorOpened.connect(self._editor_opened)
        for view in (pane.day_view, pane.week_view):
            view.canvas.installEventFilter(self)

    def _day(self) -> str:
        return self.pane.current_date.isoformat()

    def _report(self, activity: str, session_id: int | None = None) -> None:
        self.collab.report(activity, session_id=session_id, day=self._day())

    def viewing(self) -> None:
        self._report("viewing", self.pane.selected_session_id)

    def _editor_opened(self, dialog: SessionDialog) -> None:
        session = dialog.session
        if session is None:
            return
        self._report("editing", session.id)
        dialog.finished.connect(lambda _r, sid=session.id: self._report("selecting", sid))
        me = self._client.user
        if me is None or not can_edit_schedule(me.role) or session.id < 0:
            return
        lock = EditLock(dialog, self.collab, session.id,
                        writable=lambda: not self.pane.read_only,
                        is_admin=self._is_admin)
        self.locks[dialog] = lock
        dialog.finished.connect(lambda _r, d=dialog: self.locks.pop(d, None))
        lock.start()

    def _is_admin(self) -> bool:
        return self._client.user is not None and self._client.user.role is Role.ADMIN

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self._pressed = watched.session_at(event.position())  # type: ignore[attr-defined]
        elif kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent) and self._pressed is not None \
                and event.buttons() & Qt.MouseButton.LeftButton:
            self._report("dragging", self._pressed)
        elif kind == QEvent.Type.MouseButtonRelease and self._pressed is not None:
            self._report("selecting", self._pressed)
            self._pressed = None
        return False


def outlines_for(client: StudioClient) -> dict[int, Outline]:
    """Sessions others look at or edit (presence), and sessions others hold locked."""
    collab = client.collab
    out: dict[int, Outline] = {}
    for sid, entry in collab.presence.outlines().items():
        busy = entry.activity in ("editing", "dragging")
        out[sid] = Outline(entry.color, entry.initials, busy, f"{entry.name} is {entry.activity}")
    for sid, lock in collab.locks.locks.items():
        if lock.holder_id == collab.locks.me:
            continue
        who = collab.presence.entries.get(lock.holder_id)
        color = who.color if who else "#8a94a0"
        initials = who.initials if who else lock.holder_name[:1].upper()
        out[sid] = Outline(color, initials, True, f"{lock.holder_name} is editing")
    return out


def install(window: QWidget, pane: SchedulePane, client: StudioClient) -> Collaboration:
    collab = client.collab
    avatars = AvatarStrip(collab.presence)
    layout = pane.layout()
    if isinstance(layout, QBoxLayout):
        layout.insertWidget(1, avatars)  # right under the toolbar
    panel = CollabPanel(collab, lambda: client.store.directory, pane.open_editor)
    add_pane = getattr(window, "add_pane", None)
    badge: ChatBadge | None = None
    if add_pane is not None:
        add_pane(panel, "Collaboration")
        tabs = getattr(window, "tabs", None)
        if isinstance(tabs, QTabWidget):  # unread chat and mentions on the tab
            badge = ChatBadge(tabs, panel, collab.chat, lambda: collab.me.id if collab.me else None, panel)
            panel.bridge.changed.connect(badge.refresh)
    admin = AdminActions(collab, pane)
    avatars.menu = admin.popup  # admins: change role, disconnect
    admin.told.connect(lambda text, error: pane.editing.show_notice(text, error=error))
    people = PeoplePanel(collab, admin)
    panel.split.insertWidget(0, people)
    panel.split.setStretchFactor(0, 2)
    reporter = PresenceReporter(pane, client)
    bridge = ObservableBridge([collab.presence, collab.locks], pane)

    def refresh() -> None:
        avatars.refresh()
        people.refresh()
        marks = outlines_for(client)
        pane.day_view.set_outlines(marks)
        pane.week_view.set_outlines(marks)

    bridge.changed.connect(refresh)
    pane.rangeChanged.connect(lambda *_: panel.chat.set_day(pane.current_date))

    def user_updated(user: User) -> None:
        if client.user is not None and user.id == client.user.id:
            pane.set_current_user(user)  # a role change takes effect at once
            panel.chat.refresh()
            people.refresh()

    collab.user_listeners.append(user_updated)

    def settings_changed(settings: dict[str, str]) -> None:
        if client.store.directory.follow_settings(settings):
            pane.refresh()  # the studio's days and rows moved with its zone

    collab.settings_listeners.append(settings_changed)
    pane.studio_settings = lambda: collab.settings  # the cancellation window, for the cancel dialog
    panel.chat.set_day(pane.current_date)
    reporter.viewing()
    refresh()
    return Collaboration(avatars, panel, reporter, bridge, admin, people, badge)


def attach_settings(shell: Any, client: StudioClient) -> bool:
    """Give admins the settings dialog's Studio page (``shell`` is the DesktopShell: ``extra_pages``).

    Returns whether the page was added; others never see it (the server refuses them anyway).
    """
    from ..settings_pages.studio import StudioSettingsPage

    if client.user is None or client.user.role is not Role.ADMIN:
        return False

    def make() -> StudioSettingsPage:
        page = StudioSettingsPage(client.collab)
        page.load()
        return page

    shell.extra_pages.append(("Studio", make))
    return True
