"""The main window as a desktop citizen: geometry and the chosen view come back
after a restart, the keyboard reaches every navigation command, the main
controls have accessible names, and a minimised start goes to the tray."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget

from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from swan_desktop.qt.theme import apply_theme
from tests.support.poll import until
from tests.support.sample import DAY

from .schedule_window import OpenWindow, ScheduleWindow

#: A simulated tray host (offscreen has none) makes Qt look for a tray window signal
#: the offscreen platform does not have; that says nothing about our code.
SIMULATED_TRAY = pytest.mark.qt_log_ignore(
    r"No such signal QPlatformNativeInterface::systemTrayWindowChanged"
    r"|This plugin does not support (propagateSizeHints|raise)\(\)")


@pytest.fixture(autouse=True)
def system_theme_afterwards():
    yield
    apply_theme("system")


@pytest.fixture
async def shown(open_window: OpenWindow) -> AsyncIterator[ScheduleWindow]:
    opened = await open_window()
    handle = opened.window.windowHandle()
    await until(lambda: handle is not None and handle.isExposed(), what="the window exposed")
    opened.window.activateWindow()
    await until(lambda: QApplication.activeWindow() is opened.window, what="the window active")
    opened.pane.day_view.canvas.setFocus()
    yield opened
    opened.close_for_good()


async def test_geometry_and_view_are_restored_in_a_new_window(open_window: OpenWindow) -> None:
    first = await open_window()
    assert first.window.size() == QSize(1400, 900)  # the first start's default
    first.window.setGeometry(QRect(140, 90, 1210, 700))
    first.pane.set_view("week")
    first.close_for_good()  # Quit: the window closes and the shell remembers

    again = await open_window()  # a new window, shell and QSettings on the same file
    # Restoring keeps a window on its screen, as on a desktop: the offscreen screen is
    # 800 px wide, so the width comes back as narrow as the window allows; the height fits.
    assert again.window.height() == 700
    assert again.window.width() < 1210
    assert again.pane.current_view == "week"
    assert again.pane.toolbar.view_buttons["week"].isChecked()
    again.close_for_good()


@SIMULATED_TRAY
async def test_hiding_to_the_tray_also_remembers_the_view(open_window: OpenWindow) -> None:
    first = await open_window(tray=True)  # a simulated tray host: the window hides on close
    first.pane.set_view("month")
    first.window.close()
    assert not first.window.isVisible()
    again = await open_window(show=False)
    again.shell.restore()
    assert again.pane.current_view == "month"
    first.close_for_good()
    again.close_for_good()


async def test_a_remembered_view_that_no_longer_exists_is_ignored(open_window: OpenWindow, prefs) -> None:
    prefs.store.setValue("window/view", "year")
    opened = await open_window()
    assert opened.pane.current_view == "day"
    opened.close_for_good()


@SIMULATED_TRAY
async def test_minimized_start_with_a_tray_shows_only_the_tray_icon(open_window: OpenWindow) -> None:
    opened = await open_window(tray=True, minimized=True)  # simulated tray host
    assert opened.shell.tray.icon is not None and opened.shell.tray.icon.isVisible()
    assert not opened.window.isVisible()
    opened.shell.tray.show_window()  # the tray's Open brings it up
    assert opened.window.isVisible()
    opened.close_for_good()


async def test_minimized_start_without_a_tray_shows_the_window_minimised(open_window: OpenWindow) -> None:
    opened = await open_window(tray=False, minimized=True)
    assert opened.shell.tray.icon is None
    assert opened.window.isVisible() and opened.window.isMinimized()
    opened.close_for_good()


async def test_ctrl_t_goes_to_today(qtbot, shown) -> None:
    qtbot.keyClick(shown.window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert shown.pane.current_date == date.today()


async def test_alt_left_and_right_step_back_and_forward(qtbot, shown) -> None:
    qtbot.keyClick(shown.window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert shown.pane.current_date == DAY + timedelta(days=1)
    qtbot.keyClick(shown.window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(shown.window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert shown.pane.current_date == DAY - timedelta(days=1)


async def test_ctrl_1_to_4_choose_day_week_month_and_agenda(qtbot, shown) -> None:
    seen = []
    for key in (Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_1):
        qtbot.keyClick(shown.window, key, Qt.KeyboardModifier.ControlModifier)
        seen.append((shown.pane.current_view, shown.pane.stack.currentWidget()))
    p = shown.pane
    assert seen == [("week", p.week_view), ("month", p.month_view), ("agenda", p.agenda_view),
                    ("day", p.day_view)]


async def test_ctrl_n_opens_a_new_session(qtbot, shown) -> None:
    qtbot.keySequence(shown.window, "Ctrl+N")
    editor = shown.pane.editor
    assert isinstance(editor, SessionDialog) and editor.isVisible()
    editor.close()


async def test_ctrl_f_puts_the_cursor_in_the_search_field(qtbot, shown) -> None:
    search = shown.pane.toolbar.search_edit
    search.setText("Dana")
    assert not search.hasFocus()
    qtbot.keyClick(shown.window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert search.hasFocus()
    assert search.selectedText() == "Dana"  # typing replaces the old search


async def test_ctrl_comma_opens_the_settings(qtbot, shown) -> None:
    assert shown.shell.dialog is None
    qtbot.keySequence(shown.window, "Ctrl+,")
    assert shown.shell.dialog is not None and shown.shell.dialog.isVisible()
    shown.shell.dialog.close()


async def test_the_main_controls_have_accessible_names(shown) -> None:
    tb = shown.pane.toolbar
    named: dict[str, QWidget] = {
        "Today": tb.today_button, "Previous": tb.previous_button, "Next": tb.next_button,
        "Date": tb.date_edit, "Day view": tb.view_buttons["day"],
        "Week view": tb.view_buttons["week"], "Month view": tb.view_buttons["month"],
        "Agenda view": tb.view_buttons["agenda"], "New session": tb.new_button,
        "Search": tb.search_edit, "Trainer filter": tb.trainer_combo,
        "Status filter": tb.status_combo, "Location filter": tb.location_combo,
        "Day schedule": shown.pane.day_view, "Week schedule": shown.pane.week_view,
        "Month schedule": shown.pane.month_view, "Agenda": shown.pane.agenda_view,
        "Session details": shown.pane.details, "Swan Desktop": shown.window,
    }
    assert {name: w.accessibleName() for name, w in named.items()} == {n: n for n in named}
    # and every shortcut is named in its menu, where a screen reader and a mouse user find it
    view_menu = next(a.menu() for a in shown.window.menuBar().actions() if a.text() == "&View")
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in view_menu.actions()}
    assert shortcuts == {"Today": "Ctrl+T", "Previous": "Alt+Left", "Next": "Alt+Right",
                         "Day": "Ctrl+1", "Week": "Ctrl+2", "Month": "Ctrl+3", "Agenda": "Ctrl+4",
                         "New session": "Ctrl+N", "Search": "Ctrl+F"}
