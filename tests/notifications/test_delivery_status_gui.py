"""The center's detail area says what happened to each notification on this computer, per channel:
delivered, failed with its reason, held by quiet hours, throttled into a summary."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtWidgets import QLabel

from swan_desktop.notify.prefs import DeliveryPrefs
from swan_desktop.notify.router import local_now
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.notifications.detail import delivery_lines
from swan_desktop.qt.notifications.install import install
from swan_desktop.server.notifier_api import Notice, Recipients
from tests.support.poll import until
from tests.support.server import on_server


def _select(ui, title: str) -> str:
    for row in range(ui.pane.model.rowCount()):
        if ui.pane.model.note(row).title == title:
            ui.pane.table.clearSelection()
            ui.pane.table.selectRow(row)
            return ui.pane.detail.text()
    raise AssertionError(f"{title} is not listed")


async def test_detail_shows_delivered_throttled_and_held_per_channel(
        qtbot, server, boss, monkeypatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # no desktop notification service here
    window = MainWindow(QLabel("schedule"))
    qtbot.addWidget(window)
    ui = install(window, boss.notifications, prefs=replace(DeliveryPrefs(), throttle_per_minute=1),
                 sound=False)

    async def notify(title: str, category: str) -> None:
        notice = Notice(title, "Details.", category=category, priority="normal", source="test")
        await on_server(server, lambda: server.server.notifier.notify(Recipients.admins(), notice))
        await until(lambda: any(n.title == title for n in boss.notifications.store.visible()))
        await ui.router.idle()

    try:
        await notify("Backup finished", "system")
        await notify("Backup verified", "system")  # over the limit of one a minute
        ui.router.apply_prefs(replace(ui.router.prefs, dnd_until=local_now() + timedelta(hours=1)))
        await notify("Session moved", "schedule")
        await until(lambda: ui.pane.model.rowCount() == 3)

        first = _select(ui, "Backup finished")
        assert "Desktop: <span style='color:#78909c'>not available here</span>" in first
        assert "Tray: <span style='color:#78909c'>not available here</span>" in first  # no tray offscreen
        assert "Pop-up: <span style='color:#2e7d32'>delivered</span>" in first
        assert "Sound: <span style='color:#78909c'>off in your settings</span>" in first
        assert "throttled into a summary" in _select(ui, "Backup verified")
        assert "held by quiet hours / do not disturb" in _select(ui, "Session moved")

        ui.router.apply_prefs(replace(ui.router.prefs, dnd_until=None))
        ui.router.tick()  # do-not-disturb ended: what waited goes out, and the detail follows
        await ui.router.idle()
        await until(lambda: "Pop-up: <span style='color:#2e7d32'>delivered</span>" in ui.pane.detail.text())
    finally:
        ui.close()


async def test_a_notification_from_before_sign_in_says_it_had_no_delivery_here(qtbot, server, boss) -> None:
    notice = Notice("Old news", "From yesterday.", category="user", priority="low")
    await on_server(server, lambda: server.server.notifier.notify(Recipients.admins(), notice))
    await until(lambda: len(boss.notifications.store) == 1)
    window = MainWindow(QLabel("schedule"))
    qtbot.addWidget(window)
    ui = install(window, boss.notifications, prefs=DeliveryPrefs(), sound=False)
    try:
        await until(lambda: ui.pane.model.rowCount() == 1)
        assert "none — it was already there when you signed in" in _select(ui, "Old news")
        ui.pane.table.clearSelection()
        assert "Select one notification" in ui.pane.detail.text()
    finally:
        ui.close()


def test_a_failed_channel_reads_with_its_reason() -> None:
    lines = delivery_lines({"sound": "failed: device busy", "desktop": "failed: org.freedesktop.DBus.Error",
                            "toast": "shown"})
    assert lines == [("Sound", "failed — device busy", "#c62828"),
                     ("Desktop", "failed — org.freedesktop.DBus.Error", "#c62828"),
                     ("Pop-up", "delivered", "#2e7d32")]
