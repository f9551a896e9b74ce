"""What each role finds in the main window: admins the Administration tab, trainers
"My hours", everyone File ▸ Change my password…; a server that does not know
studio set-up (an older one) opens no assistant and breaks nothing.

Real signed-in clients on a real server; the assistant opening on an empty
server is in ``test_admin_live.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.admin.install import AdminArea, install
from swan_desktop.qt.admin.my_hours_page import MyHoursPage
from swan_desktop.qt.admin.pane import AdministrationPane
from swan_desktop.qt.admin.password_dialog import ChangePasswordDialog
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.server.embedded import EmbeddedServer
from tests.admin_desktop.opened import opened
from tests.support.desktops import SignIn, desktops
from tests.support.poll import until


@pytest.fixture
async def sign_in(server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[SignIn]:
    async with desktops(server.url, tmp_path / "pcs") as open_desktop:
        yield open_desktop


def window_for(qtbot, client: StudioClient) -> tuple[MainWindow, AdminArea]:
    pane = SchedulePane(client.store, client)
    window = MainWindow(pane)
    qtbot.addWidget(window)
    area = install(window, client)
    return window, area


def tabs(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


async def test_each_role_finds_its_administration(qtbot, sign_in: SignIn) -> None:
    for username, expected, page in (("boss", "Administration", AdministrationPane),
                                     ("ana", "My hours", MyHoursPage), ("vic", None, None)):
        client = await sign_in(username)
        window, area = window_for(qtbot, client)
        try:
            assert (expected in tabs(window)) if expected else tabs(window) == ["Schedule"]
            if page is not None and expected is not None:
                assert isinstance(window.tabs.widget(tabs(window).index(expected)), page)
            texts = [a.text() for a in window.file_menu.actions()]
            assert texts[0] == "Change my &password…"
            window.file_menu.actions()[0].trigger()
            assert isinstance(area.password_dialog, ChangePasswordDialog) and area.password_dialog.isVisible()
            area.password_dialog.reject()
            assert area.wizard is None
        finally:
            area.stop()
            window.schedule.bridge.detach()  # type: ignore[attr-defined]


async def test_the_admins_tab_lists_the_studios_trainers(qtbot, sign_in: SignIn) -> None:
    boss = await sign_in("boss")
    window, area = window_for(qtbot, boss)
    try:
        pane = area.pane
        assert pane is not None
        names = [t.name for t in boss.store.directory.all_trainers()]
        await until(lambda: [opened(pane.trainers.model.row(i)).name
                             for i in range(pane.trainers.model.rowCount())] == names)
        assert names  # the demo studio's trainers
    finally:
        area.stop()
        window.schedule.bridge.detach()  # type: ignore[attr-defined]
