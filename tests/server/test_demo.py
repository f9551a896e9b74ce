"""The demo studio: counts, every status, and no double-booked trainer or room."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from swan_desktop.domain.overlap import overlaps
from swan_desktop.protocol.entities import OCCUPYING, Status
from swan_desktop.server import demo
from swan_desktop.server.calendar.tables import session_cancellations
from swan_desktop.server.store import Store


def test_demo_seed_fills_a_new_studio_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "demo.db")
    try:
        assert demo.seed_if_empty(store, date(2026, 11, 25)) is True
        assert demo.seed_if_empty(store, date(2026, 11, 25)) is False
        assert store.count("trainers") >= 4 and store.count("clients") == 30
        assert store.count("session_types") == 3 and store.count("locations") == 2
        colors = [t.color for t in store.trainers()]
        assert len(set(colors)) == len(colors)
        assert {c.source for c in store.clients()} == {"swanstudios", "move_fitness", "external"}
        sessions = store.sessions_overlapping(*_range())
        assert {s.status for s in sessions} == set(Status)
        busy = [s for s in sessions if s.status in OCCUPYING]
        for a, b in combinations(busy, 2):
            if overlaps(a.start, a.end, b.start, b.end):
                assert a.trainer_id != b.trainer_id, (a, b)
                assert not a.location or a.location != b.location, (a, b)
    finally:
        store.close()


def test_demo_sessions_are_in_local_working_hours_and_deterministic() -> None:
    args = (date(2026, 11, 25), [1, 2, 3, 4], [(1, "A"), (2, "B")], [(1, 60), (2, 90), (3, 45)])
    first, second = demo.demo_sessions(*args), demo.demo_sessions(*args)
    assert [(s.start, s.status) for s in first] == [(s.start, s.status) for s in second]
    for s in first:
        start, end = s.start.astimezone(), s.end.astimezone()
        assert start.hour >= 6 and (end.hour, end.minute) <= (20, 0)
    past = [s for s in first if s.start.date() < date(2026, 11, 25) and s.status is not Status.BLOCKED]
    assert sum(s.status is Status.COMPLETED for s in past) > len(past) / 2


def test_local_admin_exists_without_a_password(tmp_path: Path) -> None:
    store = Store(tmp_path / "admin.db")
    try:
        account = demo.ensure_local_admin(store)
        assert account.role.value == "admin" and account.password_hash is None
        assert demo.ensure_local_admin(store).id == account.id
    finally:
        store.close()


def _range() -> tuple:
    from datetime import UTC, datetime

    return datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 12, 31, tzinfo=UTC)


def test_the_demo_studios_cancellations_are_kept_late_or_timely_as_made(tmp_path: Path) -> None:
    """Each cancelled demo session has its cancellation kept, as a desk's cancelling would keep
    it (before, none was, and the reports judged every past one late by the seed's own time)."""
    store = Store(tmp_path / "demo.db")
    try:
        demo.seed_if_empty(store, date(2026, 11, 25))
        cancelled = {s.id: s for s in store.sessions_overlapping(*_range()) if s.status is Status.CANCELLED}
        kept = {r.session_id: r for r in store.db.execute(select(session_cancellations))}
        assert cancelled and set(kept) == set(cancelled)
        for sid, row in kept.items():
            made = datetime.fromisoformat(row.cancelled_at.replace("Z", "+00:00"))
            assert made < cancelled[sid].start
            assert row.late == int(cancelled[sid].start - made < timedelta(hours=24))
        assert {row.late for row in kept.values()} == {0, 1}, "some late, some timely"
    finally:
        store.close()
