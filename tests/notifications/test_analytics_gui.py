"""The analytics view draws what the store measured: notifications created and acknowledged at known
server times give known medians, p90s, category counts and peak hours; an empty range says "no data"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial

from PySide6.QtWidgets import QLabel

from swan_desktop.core.client import StudioClient
from swan_desktop.notify.prefs import DeliveryPrefs
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.notifications.analytics import AnalyticsView
from swan_desktop.qt.notifications.install import install
from swan_desktop.server.notifier_api import Notice, Recipients
from tests.support.poll import until
from tests.support.server import on_server

BASE = datetime(2031, 3, 10, 8, 0, tzinfo=UTC)
# title, category, priority, created (minutes after BASE), acknowledged (minutes after creation) or None
SCRIPT = [
    ("Session booked", "schedule", "high", 0, 2),
    ("Session moved", "schedule", "normal", 60, 4),
    ("Double booking", "schedule", "critical", 70, 10),
    ("Invoice overdue", "financial", "normal", 90, None),
    ("Failed sign-ins", "security", "critical", 180, 1),
    ("Backup finished", "system", "low", 185, None),
]


class Clock:
    def __init__(self) -> None:
        self.now = BASE

    def __call__(self) -> datetime:
        return self.now


async def _play_script(server, boss: StudioClient) -> None:
    clock = Clock()
    server.server.notifications.clock = clock  # the service's own clock: times are what we say
    store = boss.notifications.store
    for title, category, priority, created, _ in SCRIPT:
        clock.now = BASE + timedelta(minutes=created)
        notice = Notice(title, f"{title}.", category=category, priority=priority, source="test")
        await on_server(server, partial(server.server.notifier.notify, Recipients.admins(), notice))
    await until(lambda: len(store) == len(SCRIPT))
    by_title = {n.title: n.id for n in store.visible()}
    for title, _, _, created, acked in sorted(SCRIPT, key=lambda s: s[3] + (s[4] or 0)):
        if acked is not None:
            clock.now = BASE + timedelta(minutes=created + acked)
            await boss.notifications.mark([by_title[title]], "acknowledge")
    await until(lambda: sum(1 for n in store.visible() if n.acknowledged_at) == 4)


async def test_charts_show_the_measured_acknowledge_times_categories_and_peak_hours(
        qtbot, server, boss, monkeypatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    await _play_script(server, boss)
    window = MainWindow(QLabel("schedule"))
    qtbot.addWidget(window)
    ui = install(window, boss.notifications, prefs=DeliveryPrefs(), sound=False)
    try:
        assert ui.tab is not None
        ui.tab.switch.button(1).click()  # "Center | Analytics"
        view = ui.tab.analytics
        assert ui.tab.current == "Analytics" and ui.tab.stack.currentWidget() is view
        view.set_range("custom", BASE.date(), BASE.date())

        figures = boss.notifications.store.analytics(None)
        assert view.unit_name == "minutes"
        # schedule acknowledged after 2, 4 and 10 min; security after 1 min
        assert view.axis_labels(view.ack_category) == ["schedule<br>(3)", "security<br>(1)"]
        assert view.series_values(view.ack_category) == {"Median": [4.0, 1.0], "90th percentile": [10.0, 1.0]}
        assert [figures.ack_by_category[c].median_s / 60 for c in ("schedule", "security")] == [4.0, 1.0]
        # by priority: high 2 min, normal 4 min, critical 10 and 1 min; nothing low was acknowledged
        assert view.axis_labels(view.ack_priority) == ["normal<br>(1)", "high<br>(1)", "critical<br>(2)"]
        assert view.series_values(view.ack_priority) == {"Median": [4.0, 2.0, 5.5],
                                                          "90th percentile": [4.0, 2.0, 10.0]}
        assert view.series_values(view.ack_priority)["Median"] == \
            [figures.ack_by_priority[p].median_s / 60 for p in ("normal", "high", "critical")]
        assert view.series_values(view.categories) == {"slices": [3.0, 1.0, 1.0, 1.0]}
        assert list(figures.by_category.values()) == [3, 1, 1, 1]
        hours = view.series_values(view.hours)["Notifications"]
        local = BASE.astimezone().hour
        assert hours == [float(n) for n in figures.by_hour] and sum(hours) == 6
        assert hours[(local + 1) % 24] == 3 and hours[local] == 1 and hours[(local + 3) % 24] == 2
        assert f"peak {(local + 1) % 24:02d}:00" in view.summary.text()
        assert "6 notifications · 4 acknowledged" in view.summary.text()
        assert all(card.has_data for card in (view.ack_category, view.ack_priority, view.categories,
                                              view.hours))
    finally:
        ui.close()


async def test_a_range_without_notifications_says_no_data_instead_of_drawing_zeros(
        qtbot, server, boss) -> None:
    await _play_script(server, boss)
    view = AnalyticsView(boss.notifications.store)
    qtbot.addWidget(view)
    view.set_range("custom", date(2030, 1, 1), date(2030, 1, 31))
    for card in (view.ack_category, view.ack_priority, view.categories, view.hours):
        assert not card.has_data and card.chart.series() == []
        assert card.empty.text().startswith("No data")
    assert view.summary.text() == "No notifications in this range"

    view.set_range("custom", BASE.date(), BASE.date())
    assert view.hours.has_data and view.categories.has_data

    view.set_range("custom", date(2031, 3, 12), date(2031, 3, 11))
    assert view.error.text() == "The last day must not be before the first."


async def test_notifications_nobody_acknowledged_leave_only_the_acknowledge_charts_empty(
        qtbot, server, boss) -> None:
    notice = Notice("Heads up", "Something happened.", category="system", priority="normal")
    await on_server(server, lambda: server.server.notifier.notify(Recipients.admins(), notice))
    await until(lambda: len(boss.notifications.store) == 1)
    view = AnalyticsView(boss.notifications.store)
    qtbot.addWidget(view)
    view.set_range("all")
    assert not view.ack_category.has_data and not view.ack_priority.has_data
    assert view.categories.has_data and view.series_values(view.categories) == {"slices": [1.0]}
