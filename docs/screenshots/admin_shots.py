"""Render the admins' collaboration controls offscreen against a real embedded server.

    .venv/bin/python docs/screenshots/admin_shots.py

Boss (an admin) is shown; Ana and Vic are online. Writes avatar-menu.png (the
menu on Ana's avatar with "Change role" open, over the schedule's top),
people-panel.png (the Collaboration tab with the People list and the
Announcement button) and studio-settings.png (the settings dialog's Studio page).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6.QtCore import QPoint, QRect  # noqa: E402
from PySide6.QtGui import QFont, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QMenu, QWidget  # noqa: E402

from swan_desktop.core.client import StudioClient  # noqa: E402
from swan_desktop.qt.collab.install import install  # noqa: E402
from swan_desktop.qt.main_window import MainWindow  # noqa: E402
from swan_desktop.qt.preferences import Preferences  # noqa: E402
from swan_desktop.qt.schedule_pane import SchedulePane  # noqa: E402
from swan_desktop.qt.settings_dialog import SettingsDialog  # noqa: E402
from swan_desktop.qt.settings_pages.connection import Account  # noqa: E402
from swan_desktop.qt.settings_pages.studio import StudioSettingsPage  # noqa: E402
from swan_desktop.qt.theme import apply_theme  # noqa: E402
from swan_desktop.settings.config import Settings  # noqa: E402
from tests.support.server import PASSWORDS, start_server  # noqa: E402

OUT = Path(__file__).resolve().parent


async def settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


def overlay(window: QWidget, menus: list[QMenu], height: int) -> None:
    """The window's top ``height`` pixels with the open menus painted where they pop up."""
    shot = window.grab(QRect(0, 0, window.width(), height))
    painter = QPainter(shot)
    origin = window.mapToGlobal(QPoint(0, 0))
    for menu in menus:
        painter.drawPixmap(menu.pos() - origin, menu.grab())
    painter.end()
    shot.save(str(OUT / "avatar-menu.png"))


async def main(folder: Path) -> None:
    server = start_server(folder / "studio.sqlite3", notifications=True)
    clients: list[StudioClient] = []
    try:
        for user in ("boss", "ana", "vic"):
            client = StudioClient(server.url, outbox_dir=folder / user)
            await client.sign_in({"username": user, "password": PASSWORDS[user]})
            clients.append(client)
        boss, ana, vic = clients
        ana.collab.report("editing")
        vic.collab.report("viewing")

        pane = SchedulePane(boss.store, boss)
        window = MainWindow(pane)
        pane.set_current_user(boss.user)
        collab = install(window, pane, boss)
        window.resize(1200, 720)
        window.show()
        await settle(0.8)
        collab.bridge.flush_now()
        await settle()

        avatar = next(a for a in collab.avatars.avatars if a.entry.name == "Ana")
        menu = collab.admin.popup(avatar.entry, avatar, QPoint(avatar.width() // 2, avatar.height()))
        assert menu is not None
        roles = next(a for a in menu.actions() if a.text() == "Change role")
        menu.setActiveAction(roles)
        await settle()
        sub = roles.menu()
        assert isinstance(sub, QMenu)
        if not sub.isVisible():
            sub.popup(menu.mapToGlobal(menu.actionGeometry(roles).topRight()))
            await settle()
        overlay(window, [menu, sub], 260)
        sub.close()
        menu.close()

        window.tabs.setCurrentWidget(collab.panel)
        await boss.collab.send("studio", "Morning all — Studio B is warm again.")
        collab.people.show_result("Vic is now trainer.", False)
        await settle()
        window.grab().save(str(OUT / "people-panel.png"))

        dialog = SettingsDialog(Preferences(), Settings(server_url=server.url),
                                Account("Boss", "boss", server.url))
        page = StudioSettingsPage(boss.collab)
        dialog.add_page("Studio", page)
        await boss.collab.change_settings({"timezone": "Europe/Lisbon", "cancellation_window_h": 24})
        page.load()
        dialog.show_page("Studio")
        dialog.resize(780, 560)
        dialog.show()
        await settle(0.6)
        dialog.grab().save(str(OUT / "studio-settings.png"))
        apply_theme("dark")
        await settle(0.4)
        dialog.grab().save(str(OUT / "studio-settings-dark.png"))
        apply_theme("light")
        dialog.close()
        for name in ("avatar-menu", "people-panel", "studio-settings", "studio-settings-dark"):
            print("wrote", OUT / f"{name}.png")
        collab.stop()
    finally:
        for client in clients:
            await client.close()
        await asyncio.to_thread(server.stop)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 9))
    with tempfile.TemporaryDirectory() as tmp:
        qasync.run(main(Path(tmp)))
