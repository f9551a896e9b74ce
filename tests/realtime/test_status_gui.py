"""What the user sees of the connection: state, measured health, pending
changes marked in the calendar, Retry now, and refused changes to decide on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swan_desktop.net.breaker import CircuitBreaker
from swan_desktop.net.link import LinkState
from swan_desktop.net.metrics import ConnectionMetrics
from swan_desktop.qt.connection_status import ConnectionStatus
from swan_desktop.qt.controller import ScheduleController
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.schedule_pane import SchedulePane
from tests.support.poll import until

from .conftest import is_live

DAY = datetime(2035, 6, 4, 10, 0, tzinfo=UTC)


def fields(hour: int, **extra: object) -> dict:
    start = DAY + timedelta(hours=hour)
    return {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), "trainer_id": 1,
            **extra}


async def window_for(qtbot, client) -> tuple[MainWindow, SchedulePane, ScheduleController]:
    pane = SchedulePane(client.store, client)
    window = MainWindow(pane)
    qtbot.addWidget(window)
    controller = ScheduleController(client, window, pane)
    controller.start()
    window.show()
    pane.set_date(DAY.astimezone().date())
    return window, pane, controller


def test_health_says_no_data_before_anything_was_measured(qtbot) -> None:
    status = ConnectionStatus()
    qtbot.addWidget(status)
    status.set_health(ConnectionMetrics().snapshot(), 0, False)
    assert status.health_label.text() == "latency: no data yet"
    assert not status.pending_label.isVisible()


async def test_status_bar_shows_live_state_and_measured_latency(qtbot, studio, connect) -> None:
    ana = await connect(studio.url, "ana", heartbeat_interval=0.05)
    _window, _pane, controller = await window_for(qtbot, ana)
    status = controller.status
    assert "Live" in status.state_label.text()
    await until(lambda: ana.link.metrics.snapshot().latency_samples >= 3)
    controller.refresh_status()
    assert " ms (p99 " in status.health_label.text() and "excellent" in status.health_label.text()
    assert not status.retry_button.isVisible()
    controller.stop()


async def test_offline_change_is_marked_pending_in_the_view_and_counted(qtbot, studio, proxy,
                                                                         connect) -> None:
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana")
    _window, pane, controller = await window_for(qtbot, ana)
    session = await ana.create_session(fields(0, notes="desk"))
    pane.refresh()
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: controller.status.state is not LinkState.LIVE)
    assert controller.status.retry_button.isVisible()
    await ana.update_session(session.id, session.version, {"notes": "offline edit"})
    controller.refresh_status()
    assert controller.status.pending_label.text() == "1 change waiting to be sent"
    pane.refresh()
    assert pane.day_view.canvas.mark_of(session.id) == "pending"
    proxy.refuse(False)
    await until(lambda: not ana.store.pending)
    pane.refresh()
    controller.refresh_status()
    assert pane.day_view.canvas.mark_of(session.id) is None
    assert not controller.status.pending_label.isVisible()
    controller.stop()


async def test_circuit_open_offers_retry_now_which_reconnects(qtbot, proxy, connect) -> None:
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana",
                        breaker=CircuitBreaker(failure_threshold=5, open_seconds=60))
    _window, _pane, controller = await window_for(qtbot, ana)
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: controller.status.state is LinkState.CIRCUIT_OPEN)
    assert "Server unreachable" in controller.status.state_label.text()
    assert controller.status.retry_button.isVisible()
    proxy.refuse(False)
    controller.status.retry_button.click()
    await until(is_live(ana))
    assert "Live" in controller.status.state_label.text()
    controller.stop()


async def test_refused_change_is_listed_and_can_be_discarded(qtbot, studio, proxy, connect) -> None:
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana", pc="a")
    boss = await connect(studio.url, "boss", pc="b")
    _window, pane, controller = await window_for(qtbot, ana)
    session = await ana.create_session(fields(2, notes="base"))
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: not ana.link.live)
    await ana.update_session(session.id, session.version, {"notes": "ana's"})
    await boss.update_session(session.id, session.version, {"notes": "boss's"})
    proxy.refuse(False)
    await until(lambda: controller.status.failed_button.isVisible())
    assert controller.status.failed_button.text() == "1 change not saved…"
    pane.refresh()
    assert pane.day_view.canvas.mark_of(session.id) == "failed"
    controller.status.failed_button.click()
    dialog = controller.failed_dialog
    assert dialog is not None and dialog.isVisible() and dialog.list.count() == 1
    assert "Change not saved" in dialog.list.item(0).text()
    dialog.discard_button.click()
    assert dialog.list.count() == 0 and not controller.status.failed_button.isVisible()
    assert ana.store.get(session.id).notes == "boss's"
    controller.stop()


async def test_edit_reopens_a_refused_change_with_my_values_over_the_current_session(
        qtbot, studio, proxy, connect) -> None:
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana", pc="a")
    boss = await connect(studio.url, "boss", pc="b")
    _window, pane, controller = await window_for(qtbot, ana)
    session = await ana.create_session(fields(4, notes="base", location="Studio A"))
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: not ana.link.live)
    await ana.update_session(session.id, session.version, {"notes": "ana: bring bands"})
    # Both change the notes: auto-merge (the default) cannot merge that, so ana's change is refused.
    await boss.update_session(session.id, session.version, {"location": "Studio B", "notes": "boss: moved"})
    proxy.refuse(False)
    await until(lambda: controller.status.failed_button.isVisible())
    dialog = controller.show_failed_changes()
    dialog.edit_button.click()
    editor = pane.editor
    assert editor is not None and editor.isVisible()
    assert editor.session is not None and editor.session.version == 2  # the current version…
    assert editor.form.notes_edit.toPlainText() == "ana: bring bands"  # …with my change on top
    assert editor.form.location_combo.currentText() == "Studio B"  # and theirs kept
    assert ana.failed_changes() == [] and dialog.list.count() == 0
    editor.reject()
    controller.stop()
