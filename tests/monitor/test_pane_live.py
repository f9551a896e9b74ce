"""The monitor pane against a real server: an admin sees measured figures, a viewer is refused in words."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QTableWidget

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.monitor import MonitorPane
from swan_desktop.qt.monitor.figures import NO_DATA
from swan_desktop.server.embedded import EmbeddedServer
from tests.support import pg
from tests.support.server import signed_in_client


def _text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


async def _signed_in(server: EmbeddedServer, tmp_path: Path, user: str) -> StudioClient:
    return await signed_in_client(server.url, user, tmp_path / user)


async def test_an_admin_sees_live_services_figures_and_history(
    qtbot, server: EmbeddedServer, tmp_path: Path
) -> None:
    client = await _signed_in(server, tmp_path, "boss")
    pane = MonitorPane(client.monitor, client.link.request, client.link.metrics.snapshot)
    qtbot.addWidget(pane)
    try:
        assert await pane.refresh_now()
        model = pane.services_model
        rows = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
        assert rows["WebSocket gateway"] == "Healthy" and rows["Schedule store (database)"] == "Healthy"
        assert pane.figure_labels["connections"].text() == "1"
        assert pane.figure_labels["memory_rss_bytes"].text().endswith("MiB")
        assert pane.charts["Server memory"].has_data  # the sample taken at start is in the history
        assert pane.client_labels["latency_p50_ms"].text() != NO_DATA  # the sign-in measured one
        assert pane.status_label.text().startswith("Measured ")
        # One server on a SQLite file: one instance (this one) and the file as the database.
        instances, database = pane.instances_box.instances_table, pane.instances_box.database_table
        assert instances.rowCount() == 1
        assert _text(instances, 0, 0).endswith(f":{server.port} (this one)")
        assert _text(instances, 0, 1) == "Up"
        assert _text(database, 0, 1) == "yes" and _text(database, 0, 2).endswith(("KiB", "MiB"))
        if pg.current == "sqlite":
            assert [_text(database, 0, c) for c in (0, 3, 6)] == ["SQLite", "—", "none (one file)"]
        else:  # the server's own figures: connections in use of its maximum
            assert _text(database, 0, 0) == "PostgreSQL" and " of " in _text(database, 0, 3)
    finally:
        pane.stop()
        await client.close()


async def test_a_viewer_is_told_the_monitor_is_for_admins(
    qtbot, server: EmbeddedServer, tmp_path: Path
) -> None:
    client = await _signed_in(server, tmp_path, "vic")
    pane = MonitorPane(client.monitor, client.link.request)
    qtbot.addWidget(pane)
    try:
        assert not await pane.refresh_now()
        assert pane.status_label.text() == "The server refused: role 'viewer' may not send 'monitor.snapshot'"
        assert pane.figure_labels["connections"].text() == NO_DATA
    finally:
        pane.stop()
        await client.close()
