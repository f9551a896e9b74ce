"""The admins' controls on real desktops against one real server: role and disconnect from the
avatar menu and the People list, the Studio settings page followed live, announcements, and
nothing of it for others."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from swan_desktop.core.client import StudioClient
from swan_desktop.net.link import LinkState
from swan_desktop.protocol.entities import Role
from swan_desktop.qt.collab.install import Collaboration, attach_settings
from swan_desktop.qt.settings_pages.studio import StudioSettingsPage
from tests.support.poll import until

from .support import collab_desktop

#: Menus really pop up; the offscreen platform cannot raise them or grab the keyboard.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing)")


def action(menu: QMenu, text: str) -> QAction:
    for act in menu.actions():
        if act.text() == text:
            return act
        sub = act.menu()
        if isinstance(sub, QMenu):
            try:
                return action(sub, text)
            except LookupError:
                pass
    raise LookupError(text)


async def avatar_menu(collab: Collaboration, name: str) -> QMenu | None:
    """Right-click ``name``'s avatar as a user would; the menu it opened (None: no menu)."""
    await until(lambda: name in collab.avatars.names())
    avatar = next(a for a in collab.avatars.avatars if a.entry.name == name)
    avatar.customContextMenuRequested.emit(QPoint(5, 5))
    menus = avatar.findChildren(QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return menus[-1] if menus else None


async def test_an_admin_makes_a_trainer_a_viewer_from_her_avatar_and_her_desktop_turns_read_only(
        qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    ana_pane, _ = await collab_desktop(qtbot, ana)
    boss: StudioClient = await sign_in("boss")
    _boss_pane, boss_collab = await collab_desktop(qtbot, boss)
    assert not ana_pane.read_only
    menu = await avatar_menu(boss_collab, "Ana")
    assert menu is not None
    assert not action(menu, "trainer").isEnabled()  # her current role
    action(menu, "viewer").trigger()
    await until(lambda: ana_pane.read_only)
    assert not ana_pane.toolbar.new_button.isEnabled()
    await until(lambda: boss_collab.people.status.text() == "Ana is now viewer.")


async def test_disconnect_from_the_people_list_asks_first_and_closes_her_connection(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    await collab_desktop(qtbot, ana)
    states: list[tuple[LinkState, str]] = []
    before = ana.link.on_state

    def record(state: LinkState, detail: str) -> None:
        states.append((state, detail))
        before(state, detail)

    ana.link.on_state = record
    boss: StudioClient = await sign_in("boss")
    _pane, collab = await collab_desktop(qtbot, boss)
    people = collab.people
    assert ana.user is not None
    ana_id = ana.user.id
    await until(lambda: people.model.row_of(ana_id) >= 0)
    rect = people.view.visualRect(people.model.index(people.model.row_of(ana_id)))
    people.view.customContextMenuRequested.emit(rect.center())
    menu = people.view.viewport().findChildren(QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly)[-1]
    action(menu, "Disconnect Ana…").trigger()
    box = collab.admin.confirm
    assert isinstance(box, QMessageBox) and box.isVisible() and "Disconnect Ana?" in box.text()
    assert states == []  # nothing happens before the answer
    next(b for b in box.buttons() if b.text() == "Disconnect").click()
    await until(lambda: any(s is LinkState.RECONNECTING and "connection lost" in d for s, d in states))
    await until(lambda: people.status.text() == "Ana was disconnected.")


class Shell:
    """What ``attach_settings`` needs of the desktop shell: its list of extra settings pages."""

    def __init__(self) -> None:
        self.extra_pages: list[tuple[str, Any]] = []


async def studio_page(qtbot, client: StudioClient) -> StudioSettingsPage:
    shell = Shell()
    assert attach_settings(shell, client)
    ((title, make),) = shell.extra_pages
    assert title == "Studio"
    page = make()
    qtbot.addWidget(page)
    return page


async def test_the_studio_page_saves_to_the_server_and_a_second_admins_page_follows_live(
        qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    vic: StudioClient = await sign_in("vic")
    assert vic.user is not None
    await boss.collab.set_role(vic.user.id, Role.ADMIN)  # a second admin
    await until(lambda: vic.user is not None and vic.user.role is Role.ADMIN)
    page = await studio_page(qtbot, boss)
    other = await studio_page(qtbot, vic)
    await until(lambda: page.strategy() == "auto-merge" and other.strategy() == "auto-merge")

    page.strategy_buttons["last-write-wins"].click()
    await until(lambda: page.status.text() == "Saved.")
    got = await boss.link.request("studio.settings.get", {})
    assert got["settings"]["conflict_strategy"] == "last-write-wins"
    await until(lambda: other.strategy() == "last-write-wins")

    page.zone_edit.set_zone("Mars/Olympus_Mons")
    page.save_zone()
    assert "No city called" in page.zone_error.text() and not page.zone_error.isHidden()
    page.zone_edit.set_zone("Europe/Lisbon")
    assert page.zone_edit.currentText().startswith("Lisbon — Europe (UTC")
    page.save_zone()
    page.window_spin.setValue(12)
    page.save_window()
    await until(lambda: other.zone_edit.zone() == "Europe/Lisbon" and other.window_spin.value() == 12)
    got = await vic.link.request("studio.settings.get", {})
    saved = got["settings"]
    assert (saved["timezone"], float(saved["cancellation_window_h"])) == ("Europe/Lisbon", 12)


async def test_an_announcement_reaches_the_chat_and_notifies_only_the_chosen_role(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    vic: StudioClient = await sign_in("vic")
    boss: StudioClient = await sign_in("boss")
    _pane, collab = await collab_desktop(qtbot, boss)
    assert collab.people.announce_button.isVisibleTo(collab.panel)
    dialog = collab.people.open_announcement()
    assert dialog is not None and dialog.isVisible()
    dialog.title_edit.setText("Closed Monday")
    dialog.message_edit.setPlainText("Holiday; no sessions.")
    dialog.as_notice.setChecked(True)
    dialog.audience.setCurrentIndex(dialog.audience.findText("Trainers"))
    dialog.send_button.click()
    await until(lambda: any(m.kind == "announcement" and m.text == "Closed Monday — Holiday; no sessions."
                            for m in vic.collab.chat.messages("studio")), 5)
    await until(lambda: any(n.title == "Closed Monday" for n in ana.notifications.store.visible()))
    await until(lambda: not dialog.isVisible())
    assert collab.people.status.text() == ("Announcement sent in the studio chat and as a notification "
                                           "to trainers.")
    assert not any(n.title == "Closed Monday" for n in vic.notifications.store.visible())


async def test_non_admins_see_none_of_the_admin_controls(qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    await collab_desktop(qtbot, boss)
    ana: StudioClient = await sign_in("ana")
    _pane, collab = await collab_desktop(qtbot, ana)
    assert await avatar_menu(collab, "Boss") is None
    boss_entry = next(a.entry for a in collab.avatars.avatars if a.entry.name == "Boss")
    assert collab.admin.menu_for(boss_entry) is None
    assert not collab.people.announce_button.isVisibleTo(collab.panel)
    assert collab.people.open_announcement() is None
    assert not attach_settings(Shell(), ana)


async def test_an_admin_has_no_menu_on_their_own_avatar(qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    _pane, collab = await collab_desktop(qtbot, boss)
    assert await avatar_menu(collab, "Boss") is None
    assert isinstance(collab.people, QWidget) and collab.people.announce_button.isVisibleTo(collab.panel)
