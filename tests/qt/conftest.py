"""Fixtures for the schedule widgets: a small studio, a store, and the stand-in server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import Status
from tests.support.sample import DAY, at, make_directory, session

from .fake_actions import InMemoryActions


@pytest.fixture
def store() -> ScheduleStore:
    s = ScheduleStore()
    s.directory = make_directory()
    s.load([
        session(1, 1, 9, client="Dana Whitfield", status=Status.CONFIRMED, client_id=10),
        session(2, 2, 9, client="Eli Novak", location="Studio B", status=Status.REQUESTED),
        session(3, 3, 14, 90, client="Frank Mills", type_id=2, status=Status.COMPLETED),
        session(4, 1, 11, client="Gina Ross", status=Status.CANCELLED, cancel_reason="Ill",
                updated_by=7, updated_at=at(DAY - timedelta(days=1), 16, 5)),
        session(5, 2, 7, status=Status.BLOCKED, client=""),
        session(6, 1, 10, day=DAY + timedelta(days=2), client="Hugo Lind"),
    ])
    return s


@pytest.fixture
def actions(store: ScheduleStore) -> InMemoryActions:
    return InMemoryActions(store)


@pytest.fixture
def pane(qtbot, store: ScheduleStore, actions: InMemoryActions) -> Iterator[object]:
    from swan_desktop.qt.schedule_pane import SchedulePane

    widget = SchedulePane(store, actions)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.set_date(DAY)
    widget.show()
    yield widget
    widget.bridge.detach()
