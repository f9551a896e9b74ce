"""Admin actions on a person who is online: change their role, disconnect them.

One :class:`AdminActions` serves every place a person is shown (the avatars
under the schedule toolbar, the People list in the Collaboration tab). It
offers its menu only while the signed-in user is an admin (the server refuses
others anyway) and never for the user themself. Disconnecting asks first in a
message box opened with ``open()`` (nothing waits on it); every result or
refusal is told in words through :attr:`AdminActions.told`.
"""

from __future__ import annotations

from collections.abc import Awaitable

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QCheckBox, QMenu, QMessageBox, QWidget

from ...core.collab.client import CollabClient
from ...core.collab.presence import PresenceEntry
from ...net.connection import ConnectionLost, RequestTimeout
from ...protocol.entities import Role
from ...protocol.errors import ProtocolError
from ..tasks import spawn

ROLE_WORDS = {Role.ADMIN: "admin", Role.TRAINER: "trainer", Role.VIEWER: "viewer"}


class AdminActions(QObject):
    #: ``(text, error)``: what happened, in words.
    told = Signal(str, bool)

    def __init__(self, collab: CollabClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.collab = collab
        #: The open "Disconnect …?" question, if any (tests answer it).
        self.confirm: QMessageBox | None = None

    @property
    def is_admin(self) -> bool:
        me = self.collab.me
        return me is not None and me.role is Role.ADMIN

    def offers_for(self, entry: PresenceEntry) -> bool:
        me = self.collab.me
        return self.is_admin and me is not None and entry.user_id != me.id

    # -- the menu ------------------------------------------------------------------
    def menu_for(self, entry: PresenceEntry, parent: QWidget | None = None) -> QMenu | None:
        """"Change role ▸ admin / trainer / viewer" and "Disconnect…"; None for non-admins and oneself."""
        if not self.offers_for(entry):
            return None
        menu = QMenu(parent)
        menu.setAccessibleName(f"Actions for {entry.name}")
        roles = menu.addMenu("Change role")
        roles.setAccessibleName("Change role")
        group = QActionGroup(roles)
        group.setExclusive(True)
        for role, words in ROLE_WORDS.items():
            action = QAction(words, group)
            action.setCheckable(True)
            action.setChecked(entry.role == role.value)
            action.setEnabled(entry.role != role.value)
            action.triggered.connect(lambda _on=False, r=role: self.change_role(entry, r))
            roles.addAction(action)
        disconnect = menu.addAction(f"Disconnect {entry.name}…")
        disconnect.setObjectName("disconnect")
        disconnect.triggered.connect(lambda: self.ask_disconnect(entry, parent))
        return menu

    def popup(self, entry: PresenceEntry, widget: QWidget, pos: QPoint) -> QMenu | None:
        menu = self.menu_for(entry, widget)
        if menu is not None:
            menu.popup(widget.mapToGlobal(pos))
        return menu

    # -- the actions -----------------------------------------------------------------
    def change_role(self, entry: PresenceEntry, role: Role) -> None:
        async def run() -> None:
            user = await self.collab.set_role(entry.user_id, role)
            self.told.emit(f"{user.name} is now {ROLE_WORDS[user.role]}.", False)
        spawn(self._guard(run(), f"Could not change {entry.name}'s role"))

    def ask_disconnect(self, entry: PresenceEntry, parent: QWidget | None = None) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "Disconnect",
                          f"Disconnect {entry.name}? Their desktop loses its connection to the studio "
                          "now and connects again on its own unless you also end their sign-ins.",
                          QMessageBox.StandardButton.Cancel, parent)
        box.setAccessibleName(f"Disconnect {entry.name}")
        go = box.addButton("Disconnect", QMessageBox.ButtonRole.AcceptRole)
        revoke = QCheckBox("Also end their saved sign-ins (they must sign in again)")
        box.setCheckBox(revoke)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered() -> None:
            self.confirm = None
            if box.clickedButton() is go:
                self.disconnect_user(entry, revoke=revoke.isChecked())
            box.deleteLater()

        box.finished.connect(lambda _r: answered())
        self.confirm = box
        box.open()
        return box

    def disconnect_user(self, entry: PresenceEntry, *, revoke: bool = False) -> None:
        async def run() -> None:
            closed = await self.collab.disconnect_user(entry.user_id, revoke=revoke)
            if closed == 0:
                self.told.emit(f"{entry.name} was no longer connected.", False)
            else:
                ended = " and their saved sign-ins ended" if revoke else ""
                self.told.emit(f"{entry.name} was disconnected{ended}.", False)
        spawn(self._guard(run(), f"Could not disconnect {entry.name}"))

    async def _guard(self, op: Awaitable[None], failed: str) -> None:
        try:
            await op
        except ProtocolError as exc:
            self.told.emit(f"{failed}: {exc.message}", True)
        except (ConnectionLost, RequestTimeout):
            self.told.emit(f"{failed}: not connected to the studio server.", True)
