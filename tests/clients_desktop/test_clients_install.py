"""The clients feature in the main window: a Clients tab for every role (read only for
viewers), a group session's clients in the schedule's details, and "Book for this
client" switching to the schedule with the editor open on that client."""

from __future__ import annotations

from pathlib import Path

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.clients.install import ClientsArea
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.schedule_pane import SchedulePane
from tests.admin_desktop.opened import opened


async def test_the_tab_the_details_section_and_booking_for_a_client(qtbot, tmp_path: Path) -> None:
    client = StudioClient("ws://127.0.0.1:9", outbox_dir=tmp_path)   # never connected: a viewer's view
    schedule = SchedulePane(client.store, client)
    window = MainWindow(schedule)
    qtbot.addWidget(window)
    area = ClientsArea(window, schedule, client)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Schedule", "Clients"]
    assert area.pane.packages is None, "package definitions are for admins"
    assert not area.pane.page.card.sell_button.isEnabled(), "viewers read only"
    assert area.group.parent() is not None and schedule.details.isAncestorOf(area.group)

    dialog = opened(area.book_for(7, "Walk-in Wanda"))
    assert window.tabs.currentWidget() is schedule
    assert dialog.form.client_combo.currentText() == "Walk-in Wanda"
    dialog.reject()
    area.stop()
    await client.close()
