"""The desktop side end to end: a critical notification pops up a toast and raises the badge, and
acknowledging it on one PC updates the other PC of the same user."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from swan_desktop.notify.prefs import DeliveryPrefs
from swan_desktop.protocol.timefmt import parse_ts
from swan_desktop.qt.clients.pane import ClientsPane
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.notifications.install import install
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.qt.tasks import spawn
from swan_desktop.server.notifier_api import Notice, Recipients
from tests.support.desktops import SignIn, desktops
from tests.support.poll import until
from tests.support.server import on_server, session_data

from .dbus_service import NotificationService


@pytest.fixture
async def sign_in(server, tmp_path: Path) -> AsyncIterator[SignIn]:
    async with desktops(server.url, tmp_path) as open_desktop:
        yield open_desktop


async def test_critical_toast_badge_and_acknowledge_on_one_pc_reaches_the_other(
        qtbot, server, sign_in, monkeypatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # no desktop service here: toast it is
    pc1, pc2 = await sign_in("boss"), await sign_in("boss")
    window = MainWindow(QLabel("schedule"))
    qtbot.addWidget(window)
    ui = install(window, pc1.notifications, prefs=DeliveryPrefs(), sound=False)
    window.show()
    try:
        assert window.tabs.tabText(ui.tab_index) == "Notifications"
        notice = Notice("Database unreachable", "The studio database stopped answering.",
                        category="system", priority="critical", source="monitor")
        await on_server(server, lambda: server.server.notifier.notify(Recipients.admins(), notice))
        await until(lambda: len(ui.toasts.toasts) == 1)
        toast = ui.toasts.toasts[0]
        assert toast.popup.title == "Database unreachable" and toast.popup.sticky
        assert not toast.timer.isActive()  # critical: stays until dismissed
        await until(lambda: window.tabs.tabText(ui.tab_index) == "Notifications (1)")
        assert "1 critical" in ui.pane.counters.text()
        assert ui.router.log[-1].channels["desktop"] == "unavailable"
        assert ui.router.log[-1].delivered_by == "toast"

        await until(lambda: len(pc2.notifications.store) == 1)
        ui.pane.table.selectRow(0)
        ui.pane.buttons["acknowledge"].click()
        note = ui.pane.model.note(0)
        assert note is not None
        note_id = note.id
        await until(lambda: pc2.notifications.store.get(note_id).acknowledged_at is not None)
        await until(lambda: window.tabs.tabText(ui.tab_index) == "Notifications")
        assert "0 critical" in ui.pane.counters.text() and pc2.notifications.store.critical == 0
        toast.dismiss()
        assert ui.toasts.toasts == []
    finally:
        ui.close()


async def test_a_normal_toast_closes_by_itself(qtbot, server, sign_in, monkeypatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    pc = await sign_in("boss")
    window = MainWindow(QLabel("schedule"))
    qtbot.addWidget(window)
    ui = install(window, pc.notifications, prefs=DeliveryPrefs(), sound=False)
    try:
        notice = Notice("Backup finished", "All good.", category="system", priority="normal")
        await on_server(server, lambda: server.server.notifier.notify(Recipients.admins(), notice))
        await until(lambda: len(ui.toasts.toasts) == 1)
        toast = ui.toasts.toasts[0]
        assert toast.timer.isActive() and toast.timer.interval() == 5000
        toast.timer.timeout.emit()  # what 5 s would do
        assert ui.toasts.toasts == []
    finally:
        ui.close()


@pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="needs dbus-daemon (apt dbus)")
async def test_a_desktop_pop_up_button_acknowledges_on_the_server(
        qtbot, server, sign_in, session_bus, monkeypatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    service = NotificationService(session_bus, ("body", "actions", "body-markup"))
    pc1, pc2 = await sign_in("boss"), await sign_in("boss")
    window = MainWindow(QLabel("schedule"))
    qtbot.addWidget(window)
    ui = install(window, pc1.notifications, prefs=DeliveryPrefs(), sound=False)
    try:
        notice = Notice("Disk almost full", "Backups & logs <95%>", category="system", priority="high",
                        source="monitor")
        await on_server(server, lambda: server.server.notifier.notify(Recipients.admins(), notice))
        await until(lambda: len(service.calls) == 1)
        call = service.calls[0]
        assert call[4] == "Backups &amp; logs &lt;95%&gt;" and call[5] == ["acknowledge", "Acknowledge"]
        await until(lambda: bool(ui.router.log) and ui.router.log[-1].delivered_by == "desktop")
        assert ui.toasts.toasts == []
        await until(lambda: len(pc2.notifications.store) == 1 and ui.pane.model.rowCount() == 1)
        shown_note = ui.pane.model.note(0)
        assert shown_note is not None
        note_id = shown_note.id
        service.press(41, "acknowledge")  # the user clicks the pop-up's button
        await until(lambda: pc2.notifications.store.get(note_id).acknowledged_at is not None)
    finally:
        ui.close()
        service.close()


def _schedule_with_notices(qtbot, desktop, loads: bool = False) -> tuple[SchedulePane, MainWindow, Any]:
    """A window with the Schedule and the Notifications tabs of ``desktop``, wired as the app wires
    them ("Open session" shows the session); ``loads``: the schedule loads the days it shows."""
    schedule = SchedulePane(desktop.store, desktop)
    if loads:
        schedule.rangeChanged.connect(lambda start, end: spawn(desktop.load_range(start, end)))
    window = MainWindow(schedule)
    qtbot.addWidget(window)
    ui = install(window, desktop.notifications, prefs=DeliveryPrefs(), sound=False)
    ui.open_sessions_in(schedule)
    window.show()
    return schedule, window, ui


async def _press_open_session(window: MainWindow, ui: Any, desktop) -> None:
    """On the Notifications tab, "Open session" of the "Session booked" notice."""
    store = desktop.notifications.store
    await until(lambda: any(n.title == "Session booked" for n in store.visible()))
    note = next(n for n in store.visible() if n.title == "Session booked")
    window.tabs.setCurrentIndex(ui.tab_index)
    [opening] = [a for a in note.actions if a.id == "open_session"]
    ui.pane.run_action(note.id, opening)


async def test_open_session_shows_the_session_in_the_schedule(qtbot, server, sign_in, clients,
                                                               monkeypatch) -> None:
    """Ana books a session; on Boss's desktop its notice's "Open session" brings the Schedule tab
    forward on the session's day with the session selected (the button used only to mark the
    notice acknowledged: nothing listened to what it asked to open)."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    boss = await sign_in("boss")
    schedule, window, ui = _schedule_with_notices(qtbot, boss)
    try:
        ana = await clients.signed_in("ana")
        session = (await ana.ok("session.create", session_data()))["session"]  # Mon 3 Mar 2031
        await until(lambda: boss.store.get(session["id"]) is not None, what="the session on this PC")
        await _press_open_session(window, ui, boss)
        await until(lambda: window.tabs.currentWidget() is schedule, what="the Schedule tab")
        assert schedule.selected_session_id == session["id"]
        assert schedule.current_date == parse_ts(session["start"]).astimezone(
            boss.store.directory.zone).date()
    finally:
        ui.close()


async def test_open_session_of_a_day_this_pc_never_loaded(qtbot, server, sign_in, clients,
                                                          monkeypatch) -> None:
    """A notice about a session on a day this PC has not loaded (booked before it signed in, for a
    month nobody looked at here): "Open session" goes to that day, which loads, with the session
    selected and its details shown. It used to say the session was "no longer on the schedule"."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    ana = await clients.signed_in("ana")
    session = (await ana.ok("session.create", session_data()))["session"]  # Mon 3 Mar 2031
    boss = await sign_in("boss")
    schedule, window, ui = _schedule_with_notices(qtbot, boss, loads=True)
    try:
        assert boss.store.get(session["id"]) is None  # today is shown here, not March 2031
        await _press_open_session(window, ui, boss)
        await until(lambda: window.tabs.currentWidget() is schedule, what="the Schedule tab")
        day = parse_ts(session["start"]).astimezone(boss.store.directory.zone).date()
        assert schedule.current_date == day
        assert schedule.selected_session_id == session["id"]
        await until(lambda: boss.store.get(session["id"]) is not None, what="that day loaded")
        await until(lambda: schedule.details.session is not None
                    and schedule.details.session.id == session["id"], what="its details")
    finally:
        ui.close()


async def test_open_session_of_a_deleted_session_says_so(qtbot, server, sign_in, clients,
                                                         monkeypatch) -> None:
    """The session was deleted since its notice: the button says so and stays on the notices."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    ana = await clients.signed_in("ana")
    session = (await ana.ok("session.create", session_data()))["session"]
    await ana.ok("session.delete", {"id": session["id"], "version": session["version"]})
    boss = await sign_in("boss")
    schedule, window, ui = _schedule_with_notices(qtbot, boss)
    try:
        await _press_open_session(window, ui, boss)
        await until(lambda: "deleted" in ui.pane.status.text(), what="the pane saying so")
        assert window.tabs.currentIndex() == ui.tab_index
        assert schedule.selected_session_id is None
    finally:
        ui.close()


async def test_open_client_card_shows_the_clients_card(qtbot, server, sign_in, clients,
                                                       monkeypatch) -> None:
    """A notice about a client (emails held back, credits running out) has "Open client card": it
    brings the Clients tab forward with that client's card, where the desk finds the phone number."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    boss = await sign_in("boss")
    window = MainWindow(QLabel("schedule"))
    qtbot.addWidget(window)
    people = ClientsPane(boss.clients, lambda: boss.store.directory, is_admin=True, can_edit=True)
    window.add_pane(people, "Clients")
    ui = install(window, boss.notifications, prefs=DeliveryPrefs(), sound=False)
    ui.open_clients_in(people)
    window.show()
    try:
        rita = (await (await clients.signed_in("boss")).ok(
            "client.create", {"name": "Rita Lobo", "phone": "+351 912 345 678"}))["client"]
        notice = Notice("Emails to a client held back", "Rita Lobo was sent 20 emails …", category="schedule",
                        priority="high", source="clients", links={"client": rita["id"]})
        await on_server(server, lambda: server.server.notifier.notify(Recipients.admins(), notice))
        await until(lambda: any(n.title == notice.title for n in boss.notifications.store.visible()))
        note = next(n for n in boss.notifications.store.visible() if n.title == notice.title)
        assert [a.id for a in note.actions] == ["open_client", "acknowledge"]
        ui.pane.run_action(note.id, note.actions[0])
        await until(lambda: window.tabs.currentWidget() is people, what="the Clients tab")
        await until(lambda: people.page.card.client_id == rita["id"], what="Rita's card")
        await until(lambda: people.page.card.phone.text() == "+351 912 345 678")
    finally:
        people.stop()
        ui.close()
