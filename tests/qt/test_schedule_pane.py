"""SchedulePane: navigation, views, filters, read-only mode, and speed on a big store.

The pane shows a real desktop's store (boss signed in to a real server holding the sample
studio, see conftest.py) and acts through that desktop's ``StudioClient``.
"""

from __future__ import annotations

import time
from datetime import UTC, date, timedelta

import pytest
from PySide6.QtCore import Qt

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Session, Status
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.qt.views.time_grid import local_midnight
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.sample import DAY, at
from tests.support.sample_studio import SampleStudio, put_sample
from tests.support.server import Clients

from .live_desk import pane as pane  # the fixture: boss's real pane


def test_day_view_shows_the_chosen_day(pane) -> None:
    assert pane.current_view == "day"
    assert sorted(pane.shown_session_ids()) == [1, 2, 3, 4, 5]
    assert pane.toolbar.range_label.text() == "Wednesday 12 March 2031"


def test_next_and_previous_move_a_day_and_announce_the_range(qtbot, pane) -> None:
    with qtbot.waitSignal(pane.rangeChanged, timeout=10000) as moved:
        pane.toolbar.next_button.click()
    assert pane.current_date == DAY + timedelta(days=1)
    start, end = moved.args
    assert start == local_midnight(DAY + timedelta(days=1)).astimezone(UTC)
    assert end - start == timedelta(days=1) and start.tzinfo is UTC
    with qtbot.waitSignal(pane.rangeChanged, timeout=10000):
        pane.toolbar.previous_button.click()
    assert pane.current_date == DAY
    assert pane.toolbar.date_edit.date().toPython() == DAY


def test_today_goes_to_today_and_always_announces_the_range(qtbot, pane) -> None:
    with qtbot.waitSignal(pane.rangeChanged, timeout=10000):
        pane.toolbar.today_button.click()
    assert pane.current_date == date.today()
    with qtbot.waitSignal(pane.rangeChanged, timeout=10000):  # again: the app reloads on it
        pane.go_today()


def test_in_week_view_previous_and_next_move_a_week(qtbot, pane) -> None:
    with qtbot.waitSignal(pane.rangeChanged, timeout=10000) as switched:
        pane.set_view("week")
    start, end = switched.args
    assert end - start == timedelta(days=7)
    assert start == local_midnight(date(2031, 3, 10)).astimezone(UTC)
    assert sorted(pane.shown_session_ids()) == [1, 2, 3, 4, 5, 6]
    pane.go_next()
    assert pane.current_date == DAY + timedelta(days=7)
    assert pane.shown_session_ids() == []


def test_choosing_a_date_in_the_date_edit_moves_the_view(qtbot, pane) -> None:
    with qtbot.waitSignal(pane.rangeChanged, timeout=10000):
        pane.toolbar.date_edit.setDate(DAY + timedelta(days=2))
    assert pane.shown_session_ids() == [6]


def test_view_buttons_switch_the_stack(qtbot, pane) -> None:
    pane.toolbar.view_buttons["agenda"].click()
    assert pane.current_view == "agenda"
    assert pane.stack.currentWidget() is pane.agenda_view
    assert pane.shown_session_ids() == [5, 1, 2, 4, 3, 6]
    pane.toolbar.view_buttons["month"].click()
    assert pane.stack.currentWidget() is pane.month_view
    pane.toolbar.view_buttons["day"].click()
    assert pane.stack.currentWidget() is pane.day_view
    with pytest.raises(ValueError):
        pane.set_view("year")


def test_trainer_filter_limits_views_to_that_trainer(pane) -> None:
    tb = pane.toolbar
    tb.trainer_combo.setCurrentIndex(tb.trainer_combo.findData(1))
    assert [c.title for c in pane.day_view.columns] == ["Ana Kowalski"]
    assert sorted(pane.shown_session_ids()) == [1, 4]
    pane.set_view("agenda")
    assert sorted(pane.shown_session_ids()) == [1, 4, 6]


def test_status_location_and_text_filters_narrow_what_is_shown(pane) -> None:
    tb = pane.toolbar
    tb.status_combo.setCurrentIndex(tb.status_combo.findData("requested"))
    assert pane.shown_session_ids() == [2]
    tb.status_combo.setCurrentIndex(0)
    tb.location_combo.setCurrentIndex(tb.location_combo.findData("Studio B"))
    assert pane.shown_session_ids() == [2]
    tb.location_combo.setCurrentIndex(0)
    tb.search_edit.setText("frank")
    assert pane.shown_session_ids() == [3]
    tb.search_edit.clear()
    assert len(pane.shown_session_ids()) == 5


async def test_store_changes_reach_the_view_once_coalesced(pane, sample: SampleStudio) -> None:
    """Rosa books a session on her own PC: the server's event reaches this desktop's store, and the view."""
    rosa = await sample.sign_in_rosa()
    told: list[object] = []
    pane.bridge.changed.connect(lambda: told.append(True))
    start = at(DAY, 17)
    end = start + timedelta(hours=1)
    made = await rosa.ok("session.create", {"start": format_ts(start), "end": format_ts(end),
                                            "trainer_id": 3, "client_name": "Ivy Chen"})
    new_id = made["session"]["id"]
    await until(lambda: pane.store.get(new_id) is not None and told, what="the change reaching the pane")
    assert new_id in pane.shown_session_ids()
    assert pane.store.get(new_id).client_name == "Ivy Chen"


def test_selecting_a_session_fills_the_details_panel(qtbot, pane) -> None:
    rect = pane.day_view.session_rect(4)
    qtbot.mouseClick(pane.day_view.canvas, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert pane.selected_session_id == 4
    d = pane.details
    assert d.value_text("Client") == "Gina Ross"
    assert d.value_text("Status") == "Cancelled"
    assert d.value_text("Cancel reason") == "Ill"
    assert d.value_text("Version") == "1"
    assert d.value_text("Last updated").endswith("16:05 by Rosa Front Desk")


def test_double_click_opens_the_editor_on_that_session(qtbot, pane) -> None:
    rect = pane.day_view.session_rect(1)
    qtbot.mouseDClick(pane.day_view.canvas, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert pane.editor is not None
    assert pane.editor.session.id == 1
    assert not pane.editor.read_only
    pane.editor.reject()


def test_read_only_disables_new_and_opens_the_editor_read_only(pane) -> None:
    pane.set_read_only(True)
    assert not pane.toolbar.new_button.isEnabled()
    assert pane.open_new() is None
    editor = pane.open_editor(1)
    assert editor is not None and editor.read_only
    assert not editor.save_button.isVisible()
    assert not editor.delete_button.isEnabled()
    assert not editor.cancel_session_button.isEnabled()
    assert all(not w.isEnabled() for w in editor.form.input_widgets())
    assert pane.details.edit_button.text() == "View…"
    editor.reject()


async def test_a_viewer_account_makes_the_pane_read_only(pane, desk: StudioClient, sign_in: SignIn) -> None:
    vic = await sign_in("vic")
    pane.set_current_user(vic.user)
    assert pane.read_only
    pane.set_current_user(desk.user)
    assert not pane.read_only and pane.toolbar.new_button.isEnabled()


#: The big studio: 50,000 sessions, 32 a day from this day on (about four years).
BIG_FIRST = date(2029, 1, 1)
BIG_COUNT = 50_000
#: Days per schedule.query while loading it: each answer stays well inside one frame (1 MiB).
LOAD_DAYS = 60


def big_schedule() -> list[Session]:
    """Three trainers, eight sessions a day each, over about four years (as the server stores them)."""
    first = at(BIG_FIRST, 6)
    statuses = list(Status)
    sessions = []
    for i in range(BIG_COUNT):
        day, slot = divmod(i, 32)
        start = first + timedelta(days=day, hours=slot % 8 * 1.5)
        sessions.append(Session(id=i + 1, start=start, end=start + timedelta(hours=1),
                                trainer_id=1 + slot // 8 % 3, client_name=f"Client {i % 700}",
                                location="Studio A" if i % 2 else "Studio B", session_type_id=1 + i % 2,
                                status=statuses[i % len(statuses)]))
    return sessions


@pytest.fixture
async def big_desk(studio_server: EmbeddedServer, sign_in: SignIn) -> StudioClient:
    """boss's desktop with 50,000 sessions loaded from the server.

    The sample's directory is made through requests; the sessions are written through the
    server's own Store (``insert_sessions``, its bulk seeding): 50,000 ``session.create``
    requests at the server's request rate would take many minutes. The desktop then loads
    them all through ``schedule.query``, as it loads any range."""
    pool = Clients(studio_server)
    try:
        await put_sample(studio_server, await pool.signed_in("boss"), [], pool)
    finally:
        await pool.close()
    studio_server.server.store.submit(Store.insert_sessions, big_schedule())
    boss = await sign_in("boss")
    day = BIG_FIRST
    while day < BIG_FIRST + timedelta(days=BIG_COUNT // 32 + 1):
        await boss.load_range(local_midnight(day), local_midnight(day + timedelta(days=LOAD_DAYS)))
        day += timedelta(days=LOAD_DAYS)
    return boss


def test_switching_views_and_filters_stays_fast_with_fifty_thousand_sessions(qtbot, big_desk) -> None:
    assert len(big_desk.store) == BIG_COUNT
    pane = SchedulePane(big_desk.store, big_desk)
    qtbot.addWidget(pane)
    pane.resize(1400, 900)
    pane.show()
    pane.set_date(date(2030, 6, 12))
    steps = [
        lambda: pane.set_view("week"),
        lambda: pane.set_view("agenda"),
        lambda: pane.set_view("day"),
        pane.go_next,
        lambda: pane.toolbar.search_edit.setText("client 1"),
        lambda: pane.toolbar.status_combo.setCurrentIndex(2),
        lambda: pane.set_view("agenda"),
        lambda: pane.toolbar.trainer_combo.setCurrentIndex(1),
    ]
    worst = 0.0
    for step in steps:
        began = time.perf_counter()
        step()
        pane.repaint()
        worst = max(worst, time.perf_counter() - began)
    assert pane.shown_session_ids(), "the filtered agenda should still show something"
    assert worst < 0.1, f"slowest switch took {worst * 1000:.0f} ms"
    pane.bridge.detach()


def test_the_status_label_is_legible_after_the_empty_state(qtbot, pane) -> None:
    label = pane.details._status
    pane.select_session(None)  # the empty state greys the label out
    pane.select_session(1)
    image = label.grab().toImage()
    darkest = min(image.pixelColor(x, y).lightness()
                  for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))
    assert darkest < 90  # dark text on the status colour, not a placeholder grey


def test_the_window_fits_a_1024_pixel_wide_screen(qtbot, pane) -> None:
    from swan_desktop.qt.main_window import MainWindow

    window = MainWindow(pane)
    qtbot.addWidget(window)
    assert window.minimumSizeHint().width() <= 1024
