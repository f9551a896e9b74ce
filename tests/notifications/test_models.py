"""The center's list model passes qtmodeltester, and filtering happens in the store."""

from __future__ import annotations

from datetime import timedelta

from swan_desktop.core.notifications import Filter, Note, NotificationStore
from swan_desktop.protocol.timefmt import now_utc
from swan_desktop.qt.notifications.model import NotificationListModel


def notes() -> list[Note]:
    now = now_utc()
    return [
        Note(1, "Session booked", "Ana with Mia", "schedule", "normal", "schedule",
             now - timedelta(hours=1)),
        Note(2, "Database slow", "2 s queries", "system", "critical", "monitor", now - timedelta(days=3),
             acknowledged_at=now - timedelta(days=3) + timedelta(minutes=4), read_at=now),
        Note(3, "Client credits low", "Lena has 1", "financial", "normal", "schedule",
             now - timedelta(days=40)),
    ]


def test_the_list_model_is_a_well_behaved_model(qtmodeltester) -> None:
    store = NotificationStore()
    store.replace_all(notes())
    model = NotificationListModel(store)
    qtmodeltester.check(model)
    model.set_filter(Filter(text="lena"))
    qtmodeltester.check(model)
    note = model.note(0)
    assert model.rowCount() == 1 and note is not None and note.id == 3


def test_filters_by_range_category_priority_and_text_and_counts_unread_and_critical() -> None:
    store = NotificationStore()
    store.replace_all(notes())
    ids = lambda flt: [n.id for n in store.visible(flt)]  # noqa: E731
    assert ids(Filter()) == [1, 2, 3]
    assert ids(Filter(range="today")) in ([1], [])  # [] only in the first hour after midnight
    assert ids(Filter(range="week")) == [1, 2]
    assert ids(Filter(category="financial")) == [3]
    assert ids(Filter(priority="critical")) == [2]
    assert ids(Filter(text="MIA")) == [1]
    assert ids(Filter(unread_only=True)) == [1, 3]
    assert store.unread == 2 and store.critical == 0


def test_analytics_time_to_acknowledge_and_breakdowns() -> None:
    store = NotificationStore()
    store.replace_all(notes())
    stats = store.analytics(None)
    assert stats.total == 3 and stats.by_category == {"schedule": 1, "system": 1, "financial": 1}
    assert sum(stats.by_hour) == 3
    assert stats.ack_by_priority["critical"].median_s == 240 and stats.ack_by_category["system"].p90_s == 240
    assert store.analytics(now_utc() + timedelta(days=1)).total == 0
