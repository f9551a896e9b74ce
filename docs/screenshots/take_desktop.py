"""Render the desktop-integration UI offscreen into this folder:

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/take_desktop.py

tray-menu.png (the tray menu, with the icon at two states beside it),
settings.png (the settings dialog, light), settings-dark.png (dark theme),
trust-prompt.png (trusting a studio's own certificate authority on first use),
sign-in-unencrypted.png (a password refused over plain ws:// to another computer), and
day-dark.png / week-dark.png (the schedule pane in the dark theme, with the
same studio day as take.py's day.png and week.png).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SWAN_DATA_DIR", tempfile.mkdtemp())
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from swan_desktop.net.cleartext import refusal, unencrypted_host
from swan_desktop.net.studio_ca import OfferedCa
from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.preferences import Preferences
from swan_desktop.qt.resources import app_icon
from swan_desktop.qt.settings_dialog import SettingsDialog
from swan_desktop.qt.settings_pages.connection import Account
from swan_desktop.qt.theme import apply_theme
from swan_desktop.qt.tray import Tray, render_icon
from swan_desktop.qt.trust_prompt import TrustPrompt
from swan_desktop.settings import trusted_servers
from swan_desktop.settings.config import Settings

OUT = Path(__file__).resolve().parent


def tray_menu(window: QMainWindow) -> None:
    tray = Tray(window, app_icon(), available=False)
    tray.set_link_state("reconnecting", "server unreachable")
    tray.set_unread(120)
    menu = tray.menu
    menu.adjustSize()
    shot = menu.grab()
    icons = [render_icon(app_icon(), s, n, 48) for s, n in (("connected", 3), ("trouble", 120),
                                                            ("offline", 0))]
    canvas = QPixmap(shot.width() + 200, max(shot.height(), 80))
    canvas.fill(Qt.GlobalColor.white)
    p = QPainter(canvas)
    p.drawPixmap(0, 0, shot)
    for i, icon in enumerate(icons):
        p.drawPixmap(shot.width() + 16 + i * 60, 12, icon)
    p.end()
    canvas.save(str(OUT / "tray-menu.png"))


def settings(name: str, theme: str) -> None:
    apply_theme(theme)
    dialog = SettingsDialog(Preferences(), Settings(server_url="wss://studio-pc:8765/"),
                            Account("Rosa Front Desk", "rosa", "wss://studio-pc:8765/"))
    dialog.add_page("Notifications", QLabel("(notification preferences live here)"))
    dialog.show()
    dialog.grab().save(str(OUT / name))
    dialog.close()


def studio_ca() -> OfferedCa:
    """A studio CA as ``serve --tls auto`` makes it, offered by studio-pc:8765 (and trusted there,
    so that the Connection page shows its fingerprint)."""
    from swan_desktop.server import studio_pki

    certs = studio_pki.ensure(Path(tempfile.mkdtemp()) / "studio.db")
    pem = certs.ca.read_text()
    trusted_servers.pin("studio-pc", 8765, pem)
    return OfferedCa("studio-pc", 8765, pem, certs.fingerprint)


def trust_prompt(offered: OfferedCa) -> None:
    apply_theme("light")
    prompt = TrustPrompt(offered)
    prompt.show()
    prompt.grab().save(str(OUT / "trust-prompt.png"))
    prompt.close()


def sign_in_unencrypted() -> None:
    apply_theme("light")
    dialog = LoginDialog("ws://192.168.1.20:8765/", "rosa")
    dialog.password.setText("secret")
    host = unencrypted_host("ws://192.168.1.20:8765/")
    dialog.resize(460, dialog.sizeHint().height())
    dialog.show()
    dialog.show_error(refusal(host), settings=True)
    dialog.grab().save(str(OUT / "sign-in-unencrypted.png"))
    dialog.close()


def schedule_dark() -> None:
    """The schedule pane in its window, dark theme, a busy day and its week."""
    from datetime import date

    sys.path.insert(0, str(OUT))
    import take

    from swan_desktop.qt.schedule_pane import SchedulePane

    apply_theme("dark")
    today = date.today()
    store = take.build_store(today)
    pane = SchedulePane(store, take.NoActions())
    window = MainWindow(pane)
    window.resize(1400, 900)
    window.show()
    selected = next(s for s in store.between(take.local(today, 0, 0), take.local(today, 23, 59))
                    if s.notes and s.status.value == "confirmed")
    pane.select_session(selected.id)
    pane.day_view.scroll_to_hour(6)
    take.save(window, "day-dark.png")
    pane.set_view("week")
    pane.week_view.scroll_to_hour(6)
    take.save(window, "week-dark.png")
    pane.set_view("month")
    take.save(window, "month-dark.png")
    pane.bridge.detach()
    window.quit()


def main() -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.environ["XDG_CONFIG_HOME"])
    app.setFont(QFont("DejaVu Sans", 10))
    window = QMainWindow()
    tray_menu(window)
    offered = studio_ca()
    settings("settings.png", "light")
    settings("settings-dark.png", "dark")
    trust_prompt(offered)
    sign_in_unencrypted()
    print("wrote tray-menu.png, settings.png, settings-dark.png, trust-prompt.png, sign-in-unencrypted.png")
    schedule_dark()


if __name__ == "__main__":
    main()
