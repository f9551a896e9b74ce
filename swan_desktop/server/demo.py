"""A demo studio for first runs: trainers, clients, session types, rooms and four weeks of sessions.

Deterministic (seeded ``random.Random``) for a given "today"; sessions fall in
the studio's local working hours (06:00–20:00 local time, stored in UTC) and
never overlap for one trainer or one room.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ..domain.overlap import overlaps
from ..protocol.entities import Role, Session, Status
from ..protocol.timefmt import now_utc
from .calendar import cancellations
from .collab import settings
from .store import Account, Store

LOCAL_ADMIN = "admin"
OPEN_HOUR, CLOSE_HOUR = 6, 20

TRAINERS = [
    ("Ana Ribeiro", ("strength", "mobility"), "#5b8def"),
    ("Marcus Lee", ("boxing", "conditioning"), "#e07a5f"),
    ("Sofia Marin", ("pilates", "rehab"), "#81b29a"),
    ("Jonah Brooks", ("weight loss", "nutrition"), "#b48ead"),
]
SESSION_TYPES = [  # name, minutes, colour, credits
    ("Personal Training", 60, "#6fa8dc", 1),
    ("Assessment", 90, "#f6b26b", 1),
    ("Small Group", 45, "#93c47d", 1),
]
LOCATIONS = ["Studio A", "Studio B"]
FIRST = [
    "Liam",
    "Emma",
    "Noah",
    "Olivia",
    "Ava",
    "Elijah",
    "Mia",
    "Lucas",
    "Amelia",
    "Mason",
    "Harper",
    "Ethan",
    "Evelyn",
    "Logan",
    "Abigail",
    "James",
    "Ella",
    "Aiden",
    "Chloe",
    "Jack",
]
LAST = [
    "Nguyen",
    "Garcia",
    "Smith",
    "Patel",
    "Kim",
    "Costa",
    "Müller",
    "Rossi",
    "Okafor",
    "Silva",
    "Dubois",
    "Novak",
    "Haddad",
    "Tanaka",
    "Jensen",
]
SOURCES = ["swanstudios", "swanstudios", "move_fitness", "external"]


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time on ``day`` as an aware datetime (system time zone, DST-aware)."""
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def _status(rng: random.Random, past: bool) -> Status:
    if past:
        return rng.choices([Status.COMPLETED, Status.CANCELLED, Status.CONFIRMED], [80, 12, 8])[0]
    return rng.choices(
        [Status.SCHEDULED, Status.CONFIRMED, Status.REQUESTED, Status.AVAILABLE, Status.CANCELLED],
        [38, 30, 12, 14, 6],
    )[0]


def demo_sessions(
    today: date,
    trainer_ids: list[int],
    client_ids: list[tuple[int, str]],
    types: list[tuple[int, int]],
    seed: int = 2026,
) -> list[Session]:
    """Sessions from two weeks before ``today`` to two weeks after (ids are 0: not stored yet)."""
    rng = random.Random(seed)
    out: list[Session] = []
    rooms: dict[str, list[tuple[datetime, datetime]]] = {name: [] for name in LOCATIONS}
    stamp = now_utc().replace(microsecond=0)
    for offset in range(-14, 14):
        day = today + timedelta(days=offset)
        if day.weekday() == 6:  # closed on Sundays
            continue
        past = day < today
        for index, trainer_id in enumerate(trainer_ids):
            # One trainer per weekday has a blocked half day (time off); it holds no room.
            blocked_start = 13 if (day.toordinal() + index) % 5 == 0 else None
            minute = OPEN_HOUR * 60 + rng.choice([0, 30, 60])
            while minute < CLOSE_HOUR * 60:
                if (
                    blocked_start is not None
                    and minute >= blocked_start * 60
                    and minute < (blocked_start + 4) * 60
                ):
                    start, end = _local(day, blocked_start), _local(day, blocked_start + 4)
                    out.append(
                        Session(
                            0,
                            start,
                            end,
                            trainer_id,
                            status=Status.BLOCKED,
                            notes="Time off",
                            updated_at=stamp,
                        )
                    )
                    minute = (blocked_start + 4) * 60 + 30
                    blocked_start = None
                    continue
                if rng.random() < 0.45:
                    minute += rng.choice([30, 60, 90])
                    continue
                type_id, duration = rng.choice(types)
                if minute + duration > CLOSE_HOUR * 60:
                    break
                if (
                    blocked_start is not None
                    and minute + duration > blocked_start * 60
                    and minute < blocked_start * 60
                ):
                    minute = blocked_start * 60
                    continue
                start = _local(day, minute // 60, minute % 60)
                end = start + timedelta(minutes=duration)
                room = next(
                    (
                        r
                        for r in rng.sample(LOCATIONS, len(LOCATIONS))
                        if not any(overlaps(start, end, a, b) for a, b in rooms[r])
                    ),
                    None,
                )
                if room is None:
                    minute += 30
                    continue
                status = _status(rng, past)
                client_id, client_name = (
                    rng.choice(client_ids) if status is not Status.AVAILABLE else (None, "")
                )
                if status is not Status.CANCELLED:  # a cancelled session frees its room
                    rooms[room].append((start, end))
                out.append(
                    Session(
                        0,
                        start,
                        end,
                        trainer_id,
                        client_id,
                        client_name,
                        room,
                        type_id,
                        status,
                        notes="",
                        updated_at=stamp,
                        cancel_reason="Client unwell" if status is Status.CANCELLED else "",
                    )
                )
                minute += duration + rng.choice([0, 15, 30])
    return out


def seed_if_empty(store: Store, today: date | None = None) -> bool:
    """Seed the demo studio unless the database already has trainers. Returns whether it seeded."""
    if store.count("trainers"):
        return False
    trainer_ids = [store.add_trainer(n, s, c).id for n, s, c in TRAINERS]
    rng = random.Random(7)
    names = [f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}" for i in range(30)]
    clients = [
        store.add_client(name, rng.randint(0, 20), SOURCES[i % len(SOURCES)]) for i, name in enumerate(names)
    ]
    types = [store.add_session_type(n, d, c, cr) for n, d, c, cr in SESSION_TYPES]
    for name in LOCATIONS:
        store.add_location(name)
    day = today or datetime.now().astimezone().date()
    sessions = demo_sessions(
        day, trainer_ids, [(c.id, c.name) for c in clients], [(t.id, t.duration_min) for t in types]
    )
    _insert_with_cancellations(store, sessions, now_utc())
    return True


#: How long before its start a demo session was cancelled (the studio's window is 24 hours).
_CANCELLED_AHEAD_H = (2, 6, 12, 30, 48, 72)


def _insert_with_cancellations(store: Store, sessions: list[Session], now: datetime) -> None:
    """The sessions, each cancelled one with its cancellation kept as a desk's would be: made
    some hours before its start (never after ``now``), late or timely against the default window."""
    rng = random.Random(11)
    window = timedelta(hours=float(settings.DEFAULTS["cancellation_window_h"]))
    with store.transaction():
        for session in sessions:
            saved = store.insert_session(session)
            if saved.status is Status.CANCELLED:
                made = min(now, saved.start - timedelta(hours=rng.choice(_CANCELLED_AHEAD_H)))
                cancellations.record(store, saved, made, window)


def ensure_local_admin(store: Store) -> Account:
    """The embedded server's admin; it has no password (tokens are issued locally)."""
    account = store.account_by_username(LOCAL_ADMIN)
    if account is None:
        account, _ = store.upsert_user(LOCAL_ADMIN, "Studio Admin", Role.ADMIN, None)
    return account
