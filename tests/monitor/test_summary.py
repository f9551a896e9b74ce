"""The Monitor opens on a sentence (health, then what was refused and why, apart from
server errors) and keeps the technical figures under "Details"."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from swan_desktop.core.monitor import MonitorStore
from swan_desktop.core.wallclock import local_zone
from swan_desktop.protocol.frames import Event
from swan_desktop.qt.human_time import human_time
from swan_desktop.qt.monitor.pane import MonitorPane
from swan_desktop.qt.monitor.summary import summary_sentence

from .pane_data import history, snapshot


def healthy(**figures: object) -> dict:
    snap = snapshot(**figures)
    snap["status"] = "healthy"
    for svc in snap["services"]:
        svc["status"] = "healthy"
    return snap


def test_a_healthy_studio_with_clashes_reads_as_one_sentence() -> None:
    snap = healthy(clashes_last_hour=2, refused_last_hour=2, server_errors_last_hour=0)
    assert summary_sentence(snap) == \
        "All systems healthy · 2 bookings refused because of clashes in the last hour"


def test_other_refusals_and_server_errors_are_told_apart() -> None:
    snap = healthy(clashes_last_hour=1, refused_last_hour=4, server_errors_last_hour=2)
    assert summary_sentence(snap) == (
        "All systems healthy · 1 booking refused because of clashes in the last hour · 3 requests refused "
        "in the last hour (not allowed, invalid or out of date) · 2 server errors in the last hour")
    quiet = healthy(clashes_last_hour=0, refused_last_hour=0, server_errors_last_hour=0)
    assert summary_sentence(quiet) == \
        "All systems healthy · nothing refused and no server errors in the last hour"


def test_an_instance_that_stopped_reporting_is_named() -> None:
    snap = healthy(clashes_last_hour=0, refused_last_hour=0, server_errors_last_hour=0)
    snap["instances"] = [{"id": "a:8701", "host": "a", "port": 8701, "state": "up"},
                         {"id": "a:8702", "host": "a", "port": 8702, "state": "gone"},
                         {"id": "b:8701", "host": "b", "port": 8701, "state": "stopped"}]
    assert summary_sentence(snap).endswith("· 1 server instance stopped reporting: a:8702")


def test_an_instance_change_event_updates_the_instances_row() -> None:
    store = MonitorStore()
    snap = healthy()
    snap["instance"] = "a:8701"
    snap["instances"] = [{"id": "a:8701", "state": "up", "this": True},
                         {"id": "a:8702", "state": "up", "this": False}]
    store.set_data(snap, history())
    store.apply_event(Event("e", 9, "monitor:instance-changed", "2031-03-03T10:00:00Z", None,
                            {"instance": {"id": "a:8702", "state": "gone"}, "previous": "up"}))
    assert [(i["id"], i["state"], i["this"]) for i in store.instances] == [
        ("a:8701", "up", True), ("a:8702", "gone", False)]
    store.apply_event(Event("e", 10, "monitor:status-changed", "2031-03-03T10:00:01Z", None,
                            {"name": "gateway", "status": "critical", "instance": "a:8702"}))
    assert next(s for s in store.services if s["name"] == "gateway")["status"] == "healthy", \
        "another instance's service is not this one's"


def test_an_unwell_service_is_named() -> None:
    assert summary_sentence(snapshot()).startswith("Working, but slow or partly down: Schedule store")
    assert summary_sentence(None) == "Not loaded yet"


def test_the_pane_opens_on_the_summary_with_details_folded(qtbot) -> None:
    store = MonitorStore()
    store.set_range("24h")
    store.set_data(healthy(clashes_last_hour=2, refused_last_hour=2, server_errors_last_hour=0), history())
    pane = MonitorPane(store, None, None)
    qtbot.addWidget(pane)
    pane.show()
    pane.redraw()
    assert pane.summary_label.text().startswith("All systems healthy · 2 bookings refused")
    assert not pane.details.isVisible()
    qtbot.mouseClick(pane.details_button, Qt.MouseButton.LeftButton)
    assert pane.details.isVisible() and pane.figure_labels["refusal_rate"].isVisible()
    pane.stop()


def test_times_read_as_people_say_them() -> None:
    now = datetime(2031, 3, 12, 15, 0, tzinfo=local_zone())
    assert human_time(now - timedelta(hours=2), now) == "today 13:00"
    assert human_time(now - timedelta(days=1), now) == "yesterday 15:00"
    assert human_time(now - timedelta(days=3), now) == "Sun 9 Mar 15:00"
