"""The monitor pane: grid, uptime bars, charts, "no data", export — over data a server would send."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from swan_desktop.core.monitor import MonitorStore
from swan_desktop.net.metrics import ConnectionMetrics
from swan_desktop.protocol.frames import Event
from swan_desktop.qt.monitor import MonitorPane
from swan_desktop.qt.monitor.figures import NO_DATA, STATUS_COLORS

from .pane_data import T, history, snapshot


@pytest.fixture
def store() -> MonitorStore:
    s = MonitorStore()
    s.set_range("24h")
    s.set_data(snapshot(), history())
    return s


@pytest.fixture
def pane(qtbot, store: MonitorStore):
    clock = [100.0]
    metrics = ConnectionMetrics(clock=lambda: clock[0])
    metrics.record_latency(40.0)
    metrics.record_latency(60.0)
    widget = MonitorPane(store, None, metrics.snapshot)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.redraw()
    yield widget
    widget.stop()


def test_the_service_grid_shows_status_colour_reason_and_since(pane: MonitorPane, qtmodeltester) -> None:
    from PySide6.QtCore import Qt

    model = pane.services_model
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    cells = [[model.index(r, c).data() for c in range(4)] for r in range(3)]
    assert cells[1][:3] == ["Schedule store (database)", "Degraded", "a write failed: database is locked"]
    assert cells[2][1:3] == ["Unknown", "not running"]
    assert cells[1][3]  # since, in local time
    colour = model.index(1, 1).data(Qt.ItemDataRole.DecorationRole)
    assert colour.name() == STATUS_COLORS["degraded"]
    assert pane.overall_label.text() == "System: degraded"


def test_figures_show_measurements_and_no_data_where_nothing_was_measured(pane: MonitorPane) -> None:
    labels = pane.figure_labels
    assert labels["requests_per_s"].text() == "1.50"
    assert labels["error_rate"].text() == "2.00 %"
    assert labels["db_size_bytes"].text() == "3.0 MiB"
    assert labels["uptime_s"].text() == "1 h 2 min"
    for key in ("latency_p99_ms", "db_probe_ms", "email_queue_depth"):
        assert labels[key].text() == NO_DATA
    assert pane.client_labels["latency_p50_ms"].text() == "40.0 ms"
    assert pane.client_labels["quality"].text() == "Excellent"
    assert pane.client_labels["error_rate"].text() == NO_DATA  # no request finished yet
    name, p99 = pane.latency_table.item(0, 0), pane.latency_table.item(0, 2)
    assert name is not None and name.text() == "heartbeat"
    assert p99 is not None and p99.text() == "0.40"


def test_charts_plot_only_measured_buckets_and_say_no_data_when_empty(pane: MonitorPane) -> None:
    latency = pane.charts["Request latency"]
    assert latency.points("latency_p50_ms") == [(T[0], 0.5), (T[2], 0.7), (T[3], 0.8)]
    assert latency.points("latency_p99_ms") == []
    assert latency.has_data and "no data" not in latency.chart().title()
    errors = pane.charts["Errors and refusals"]
    assert errors.points("error_rate") == [(T[0], 0.0), (T[2], 0.0), (T[3], 2.0)]  # percent
    memory = pane.charts["Server memory"]
    assert not memory.has_data and memory.chart().title() == f"Server memory — {NO_DATA}"


def test_uptime_bars_colour_each_bucket_and_give_the_healthy_share(pane: MonitorPane) -> None:
    label, bar, share = pane.uptime_bars["database"]
    assert label.text() == "Schedule store (database)"
    assert bar.blocks == [None, "healthy", "healthy", "degraded"]
    assert share.text() == "66.67 %"
    assert pane.uptime_bars["notifications"][2].text() == NO_DATA


def test_an_empty_pane_reads_no_data_everywhere(qtbot) -> None:
    widget = MonitorPane(MonitorStore())
    qtbot.addWidget(widget)
    assert {label.text() for label in widget.figure_labels.values()} == {NO_DATA}
    assert {label.text() for label in widget.client_labels.values()} == {NO_DATA}
    assert all(not chart.has_data for chart in widget.charts.values())
    assert widget.overall_label.text() == "System: no data"
    widget.stop()


def test_a_status_change_event_updates_the_grid(pane: MonitorPane, store: MonitorStore) -> None:
    store.apply_event(Event("e", 9, "monitor:status-changed", "2031-03-03T10:05:00Z", None, {
        "name": "database", "label": "Schedule store (database)", "status": "healthy",
        "previous": "degraded", "reason": "writes in 1.2 ms", "since": "2031-03-03T10:05:00Z"}))
    pane.redraw()
    assert pane.services_model.index(1, 1).data() == "Healthy"
    assert pane.services_model.index(1, 2).data() == "writes in 1.2 ms"


def test_auto_refresh_offers_off_2_5_and_30_seconds_and_starts_at_5(pane: MonitorPane) -> None:
    assert [pane.interval_box.itemText(i) for i in range(pane.interval_box.count())] == [
        "Off", "2 s", "5 s", "30 s"]
    assert pane.interval_ms == 5000
    pane.interval_box.setCurrentText("30 s")
    assert pane.interval_ms == 30_000
    pane.interval_box.setCurrentText("Off")
    assert pane.interval_ms == 0


def test_export_to_json_holds_what_is_shown(pane: MonitorPane, tmp_path: Path) -> None:
    doc = json.loads(pane.export_to(tmp_path / "m.json").read_text())
    assert doc["range"] == "24h" and doc["status"] == "degraded"
    db = next(s for s in doc["services"] if s["name"] == "database")
    assert db["status"] == "degraded" and db["uptime"] == pytest.approx(2 / 3)
    assert doc["figures"]["requests_per_s"] == 1.5 and doc["figures"]["email_queue_depth"] is None
    assert doc["history"]["series"]["cpu_percent"] == [[T[0], 2.0], [T[1], 3.0], [T[3], 3.5]]
    assert doc["client"]["latency_p50_ms"] == 40.0 and doc["client"]["quality"] == "excellent"
    assert doc["latency_by_type"]["heartbeat"]["requests"] == 12


def test_export_to_csv_has_one_row_per_value_and_empty_cells_for_no_data(
    pane: MonitorPane, tmp_path: Path
) -> None:
    with pane.export_to(tmp_path / "m.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["section", "name", "field", "value"]
    assert ["service", "database", "status", "degraded"] in rows
    assert ["figure", "requests_per_s", "value", "1.5"] in rows
    assert ["figure", "db_probe_ms", "value", ""] in rows
    assert ["history", "cpu_percent", "2031-03-03T10:00:00Z", "2.0"] in rows
    assert ["latency", "heartbeat", "p95_ms", "0.9"] in rows
    assert ["client", "latency_p95_ms", "value", "60.0"] in rows


def test_the_export_dialog_opens_without_blocking_and_writes_the_chosen_file(
    pane: MonitorPane, tmp_path: Path
) -> None:
    dialog = pane.open_export_dialog()
    assert dialog.isVisible()
    target = tmp_path / "chosen.json"
    dialog.fileSelected.emit(str(target))
    assert json.loads(target.read_text())["range"] == "24h"
    assert pane.status_label.text() == f"Exported to {target}"
    dialog.reject()
