"""The store over SQLAlchemy: a transaction is all or nothing, a read holds no lock, the event
sequence survives pruning, and features reach their tables through ``store.db``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import bindparam, func, insert, select

from swan_desktop.protocol.entities import Session, Status
from swan_desktop.server.store import HubEvent, Store
from swan_desktop.server.tables import events, locations, request_log, trainers
from swan_desktop.server.tables import sessions as sessions_table


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "studio.sqlite3")
    yield s
    s.close()


def _session(store: Store) -> Session:
    trainer = store.add_trainer("Tess")
    start = datetime(2031, 3, 3, 10, tzinfo=UTC)
    return Session(id=0, start=start, end=start.replace(hour=11), trainer_id=trainer.id,
                   status=Status.SCHEDULED)


def test_a_transaction_that_raises_writes_nothing_and_publishes_nothing(store: Store) -> None:
    published: list[list[HubEvent]] = []
    store.on_events = published.append
    draft = _session(store)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        store.insert_session(draft)
        tx.emit("session:created", {"id": 1})
        store.log_reply(1, "r1", {"ok": True})
        raise RuntimeError("refused half-way")
    assert store.count("sessions") == 0 and store.count("events") == 0
    assert store.logged_reply(1, "r1") is None and published == []
    with store.transaction() as tx:
        created = store.insert_session(draft)
        tx.emit("session:created", {"id": created.id})
        store.log_reply(1, "r1", {"ok": True})
    assert store.session(created.id) == created
    assert [e.event.seq for e in published[0]] == [store.head_seq()]
    assert store.logged_reply(1, "r1") == {"ok": True}


def test_a_reply_logged_again_replaces_the_first(store: Store) -> None:
    with store.transaction():
        store.log_reply(1, "r1", {"n": 1})
    with store.transaction():
        store.log_reply(1, "r1", {"n": 2})
    assert store.logged_reply(1, "r1") == {"n": 2}
    assert store.db.execute(select(func.count()).select_from(request_log)).scalar_one() == 1


def test_reads_outside_a_transaction_leave_the_database_free_for_another_writer(store: Store) -> None:
    created = store.insert_session(_session(store))
    assert store.session(created.id) is not None and store.trainers()
    other = sqlite3.connect(store.path, isolation_level=None, timeout=0.1)
    try:
        other.execute("BEGIN IMMEDIATE")  # would time out if the store still held a transaction
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_the_event_sequence_keeps_counting_after_pruning(store: Store) -> None:
    for i in range(6):
        with store.transaction() as tx:
            tx.emit("test:event", {"i": i})
    assert store.prune(keep=2, prune_at=3) == 4
    assert store.head_seq() == 6 and store.pruned_through() == 4
    with store.transaction() as tx:
        tx.emit("test:event", {"i": 6})
    assert [e.event.seq for e in store.events_between(0, 100)] == [5, 6, 7]
    assert store.db.execute(select(func.max(events.c.seq))).scalar_one() == 7


def test_a_statement_compiled_once_runs_with_its_own_values_and_the_columns_it_names(store: Store) -> None:
    tess = store.add_trainer("Tess")
    active = select(trainers.c.name).where(trainers.c.id == bindparam("v"), trainers.c.active == 1)
    assert store.sql(active).scalar(store.db, {"v": tess.id}) == "Tess"
    assert store.sql(active) is store.sql(active)
    add = store.sql(insert(locations), ("name",), returning_key=True)
    with store.transaction():
        room = add.new_id(add.run(store.db, {"name": "Room 9"}))
    named = select(locations.c.id, locations.c.name).where(locations.c.id == bindparam("i"))
    assert store.sql(named).all(store.db, {"i": room}) == [{"id": room, "name": "Room 9"}]
    assert store.sql(named).first(store.db, {"i": room + 1}) is None


def test_a_session_row_in_wire_form_is_what_the_session_itself_writes(store: Store) -> None:
    """A schedule page reads rows straight to wire form; every kind of row gives what
    ``Session.to_wire`` gives, also a time stored in another form (written again)."""
    from swan_desktop.server.store import session_from_row, session_wire_from_row

    base = _session(store)
    made = [store.insert_session(base.with_changes(status=status, notes=f"{status.value} ✓",
                                                   client_name="Zoë" if i % 2 else ""))
            for i, status in enumerate(Status)]
    checked = made[0].with_changes(attendance="late", checked_in_at=datetime(2031, 3, 3, 10, 7, tzinfo=UTC),
                                   updated_at=datetime(2031, 3, 3, 10, 8, tzinfo=UTC), updated_by=4)
    store.replace_session(checked)
    ordered = select(sessions_table).order_by(sessions_table.c.id)
    rows = [dict(r) for r in store.db.execute(ordered).mappings()]
    rows.append({**rows[0], "start": "2031-03-03T10:00:00.400Z", "updated_at": "", "checked_in_at": None})
    assert len(rows) == len(Status) + 1 and rows[0]["checked_in_at"]
    for row in rows:
        assert session_wire_from_row(row) == session_from_row(row).to_wire()
    wires = store.session_wires_overlapping(base.start, base.end)
    assert wires == [s.to_wire() for s in store.sessions_overlapping(base.start, base.end)]
    assert len(wires) == len(Status)
