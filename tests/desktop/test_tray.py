"""The tray: state and unread badge on the icon, the menu, click to toggle,
hide-to-tray on close (with a one-time notice) and critical alerts.

There is no tray host offscreen, so tests that need one pass ``available=True``
(a simulated host: the QSystemTrayIcon exists but nothing displays it).
``test_real_tray_host_under_xvfb`` runs a real one (trayer on Xvfb)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QSystemTrayIcon

from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.resources import app_icon
from swan_desktop.qt.tray import BADGE, Tray, badge_text, render_icon, tray_state


@pytest.fixture
def window(qtbot) -> MainWindow:
    w = MainWindow(QLabel("schedule"))
    qtbot.addWidget(w)
    return w


def test_badge_counts_and_caps_at_99_plus() -> None:
    assert [badge_text(n) for n in (0, 1, 99, 100, 5000)] == ["", "1", "99", "99+", "99+"]


def test_link_states_map_to_connected_trouble_offline() -> None:
    assert tray_state("live") == "connected"
    assert {tray_state(s) for s in ("connecting", "syncing", "reconnecting")} == {"trouble"}
    assert {tray_state(s) for s in ("disconnected", "circuit-open")} == {"offline"}


def test_unread_badge_is_painted_top_right_only_when_there_is_something_unread(qapp) -> None:
    with_badge = render_icon(app_icon(), "connected", 120, 64).toImage()
    without = render_icon(app_icon(), "connected", 0, 64).toImage()
    corner = with_badge.pixelColor(56, 8)
    assert abs(corner.red() - BADGE.red()) < 30 and corner.green() < 90
    assert without.pixelColor(56, 8) != corner


def test_state_dot_colour_follows_the_link(window) -> None:
    tray = Tray(window, app_icon(), available=False)
    tray.set_link_state("live")
    assert tray.state == "connected" and "connected" in tray.tooltip()
    dot = render_icon(app_icon(), tray.state, 0, 64).toImage().pixelColor(11, 53)
    assert dot.green() > dot.red()
    tray.set_link_state("reconnecting", "server unreachable")
    assert tray.tooltip().splitlines() == ["Swan Desktop — connection trouble", "server unreachable"]
    assert tray.status_action.text() == "Status: connection trouble"


def test_menu_has_open_do_not_disturb_and_quit(window, qtbot) -> None:
    tray = Tray(window, app_icon(), available=False)
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts[1:] == ["&Open Swan Desktop", "&Do not disturb", "&Quit"]
    with qtbot.waitSignal(tray.doNotDisturbToggled) as dnd:
        tray.dnd_action.trigger()
    assert dnd.args == [True]
    with qtbot.waitSignal(tray.quitRequested):
        tray.quit_action.trigger()
    tray.set_do_not_disturb(False)  # reflected from elsewhere: no echo
    assert not tray.dnd_action.isChecked()


def test_set_unread_updates_the_tray_icon_and_tooltip(window) -> None:
    tray = Tray(window, app_icon(), available=True)  # simulated tray host
    assert tray.icon is not None
    before = tray.icon.icon().pixmap(32).toImage()
    tray.set_unread(150)
    assert tray.icon.toolTip().endswith("99+ unread")
    assert tray.icon.icon().pixmap(32).toImage() != before


def test_without_a_tray_closing_the_window_quits(window, qtbot) -> None:
    tray = Tray(window, app_icon(), available=False)
    assert tray.icon is None and window.hide_on_close is False
    window.show()
    with qtbot.waitSignal(window.closed):
        window.close()
    assert not window.isVisible()


def test_with_a_tray_closing_hides_and_says_so_only_the_first_time(window, qtbot, prefs) -> None:
    tray = Tray(window, app_icon(), prefs, available=True)  # simulated tray host
    notices: list[None] = []
    tray.closeNoticeShown.connect(lambda: notices.append(None))
    closed: list[None] = []
    window.closed.connect(lambda: closed.append(None))
    for _ in range(2):
        window.show()
        with qtbot.waitSignal(window.hiddenToTray):
            window.close()
        assert not window.isVisible()
    assert len(notices) == 1 and prefs.get("tray/close_notice_shown") is True
    assert closed == []
    window.quit()  # Quit from the menu really closes
    assert closed == [None]


def test_a_click_on_the_tray_icon_toggles_the_window(window) -> None:
    tray = Tray(window, app_icon(), available=True)  # simulated tray host: we deliver the click
    assert tray.icon is not None
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert window.isVisible()
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert not window.isVisible()


def test_without_a_tray_a_critical_alert_opens_a_message_box(window, qtbot) -> None:
    tray = Tray(window, app_icon(), available=False)
    assert tray.show_alert("Server", "The studio server stopped.", critical=False) is False
    with qtbot.waitSignal(tray.alertShown) as shown:
        assert tray.show_alert("Server", "The studio server stopped.", critical=True) is True
    assert shown.args == ["Server", "The studio server stopped.", True]
    box = tray.fallback_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == "The studio server stopped."
    box.close()


def test_with_a_tray_alerts_are_tray_messages(window, qtbot) -> None:
    tray = Tray(window, app_icon(), available=True)  # simulated tray host
    with qtbot.waitSignal(tray.alertShown):
        assert tray.show_alert("Double booking", "Ana has two sessions at 9:00", critical=True)
    assert tray.fallback_box is None


REAL_TRAY = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QSystemTrayIcon
from swan_desktop.qt.resources import app_icon
from swan_desktop.qt.tray import Tray
app = QApplication([])
print("available", QSystemTrayIcon.isSystemTrayAvailable())
w = QMainWindow()
w.hide_on_close = False
tray = Tray(w, app_icon())
tray.show()
tray.set_unread(3)
print("icon", tray.icon is not None and tray.icon.isVisible())
"""


@pytest.mark.skipif(not (shutil.which("xvfb-run") and shutil.which("trayer")),
                    reason="needs xvfb-run and trayer (a real tray host)")
def test_real_tray_host_under_xvfb() -> None:
    script = ("trayer --expand false --widthtype request & T=$!; sleep 1; "
              f"{sys.executable} -c '{REAL_TRAY}'; R=$?; kill $T; exit $R")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(["xvfb-run", "-a", "sh", "-c", script], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "available True" in result.stdout
    assert "icon True" in result.stdout
