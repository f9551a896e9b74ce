"""Fixtures for the schedule widgets: a small studio, a store, and the stand-in server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from swan_desktop.core.directory import Directory
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import (
    Client,
    Location,
    Role,
    Session,
    SessionType,
    Status,
    Trainer,
    User,
)

from .fake_actions import InMemoryActions

#: The offscreen platform plugin logs this for every shown top-level window with a
#: layout (it simply does not implement the call); it says nothing about our code.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


#: A fixed day in the future (a Wednesday), so "today" never moves under a test.
DAY = date(2031, 3, 12)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time on ``day`` as an aware datetime (the store keeps UTC)."""
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def make_directory() -> Directory:
    return Directory(
        trainers={1: Trainer(1, "Ana Kowalski", ("strength",), "#5b8db8"),
                  2: Trainer(2, "Ben Ortiz", ("mobility",), "#6aa36f"),
                  3: Trainer(3, "Chloe Park", ("boxing",), "#c98b4a")},
        clients={10: Client(10, "Dana Whitfield", 8), 11: Client(11, "Eli Novak", 3)},
        session_types={1: SessionType(1, "Personal training", 60, "#5b8db8"),
                       2: SessionType(2, "Assessment", 90, "#8a79b8")},
        locations=[Location(1, "Studio A"), Location(2, "Studio B")],
        users={7: User(7, "Rosa Front Desk", Role.ADMIN)},
    )


def session(sid: int, trainer: int, hour: int, minutes: int = 60, *, day: date = DAY,
            status: Status = Status.SCHEDULED, client: str = "Dana Whitfield",
            location: str = "Studio A", type_id: int = 1, **kw: object) -> Session:
    start = at(day, hour)
    return Session(id=sid, start=start, end=start + timedelta(minutes=minutes), trainer_id=trainer,
                   client_name=client, location=location, session_type_id=type_id, status=status,
                   **kw)  # type: ignore[arg-type]


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
