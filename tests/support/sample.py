"""A small sample studio for widget tests: three trainers, two clients, a fixed day.

    store = sample_store([session(1, trainer=1, hour=9), session(2, 2, 14, 90, status=Status.CONFIRMED)])

A view that only shows sessions can be given such a store (the desktop's own ScheduleStore,
with no server behind it); anything that acts goes to a real server (sample_studio.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

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


def sample_store(sessions: Iterable[Session]) -> ScheduleStore:
    """The desktop's store holding ``sessions`` and the sample directory, as if loaded."""
    store = ScheduleStore()
    store.directory = make_directory()
    store.load(sessions)
    return store


def session(sid: int, trainer: int, hour: int, minutes: int = 60, *, day: date = DAY,
            status: Status = Status.SCHEDULED, client: str = "Dana Whitfield",
            location: str = "Studio A", type_id: int = 1, **kw: object) -> Session:
    start = at(day, hour)
    return Session(id=sid, start=start, end=start + timedelta(minutes=minutes), trainer_id=trainer,
                   client_name=client, location=location, session_type_id=type_id, status=status,
                   **kw)  # type: ignore[arg-type]
