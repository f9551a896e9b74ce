"""The offline outbox: durable, ordered, same id on retry, and loud when it cannot write."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from swan_desktop.net.outbox import WARN_DEPTH, Outbox, OutboxEntry, OutboxError


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "outbox.sqlite3"


@pytest.fixture
def outbox(path: Path):
    box = Outbox(path)
    yield box
    box.close()


def test_a_new_entry_is_pending_with_a_fresh_uuid4_hex_id(outbox: Outbox) -> None:
    entry = outbox.add("session.create", {"title": "Leg day", "trainer": 3})
    assert len(entry.id) == 32 and int(entry.id, 16) >= 0
    assert entry.id[12] == "4"  # uuid version 4
    assert entry.state == "pending" and entry.attempts == 0
    assert entry.created_at.endswith("Z")
    assert outbox.get(entry.id) == entry
    assert outbox.add("session.create", {}).id != entry.id


def test_pending_lists_entries_in_insertion_order(outbox: Outbox) -> None:
    ids = [outbox.add("session.update", {"n": n}).id for n in range(20)]
    assert [e.id for e in outbox.pending()] == ids
    assert [e.data["n"] for e in outbox.pending(limit=3)] == [0, 1, 2]
    assert outbox.depth == 20


def test_mark_done_removes_the_entry(outbox: Outbox) -> None:
    a = outbox.add("session.delete", {"id": "s1"})
    b = outbox.add("session.delete", {"id": "s2"})
    assert outbox.mark_done(a.id)
    assert [e.id for e in outbox.pending()] == [b.id]
    assert outbox.get(a.id) is None
    assert not outbox.mark_done(a.id)
    assert outbox.depth == 1


def test_entries_survive_closing_and_reopening_the_file(path: Path) -> None:
    with Outbox(path) as box:
        a = box.add("session.create", {"title": "Yoga", "note": "ünïcødé ✓"})
        b = box.add("session.update", {"id": "s9", "patch": {"status": "done"}})
        box.record_attempt(a.id)
        box.mark_failed(b.id, "conflict", "someone else changed it")
    with Outbox(path) as box:
        assert box.pending() == [OutboxEntry(a.id, a.rtype, a.data, a.created_at, 1, "pending")]
        assert box.failed() == [OutboxEntry(b.id, b.rtype, b.data, b.created_at, 0, "failed",
                                            "conflict", "someone else changed it")]


def test_an_entry_is_on_disk_when_add_returns_even_if_the_process_dies_at_once(path: Path) -> None:
    script = textwrap.dedent(f"""
        import os
        from swan_desktop.net.outbox import Outbox
        box = Outbox({str(path)!r})
        print(box.add("session.create", {{"title": "crash"}}).id, flush=True)
        os._exit(0)  # no close, no cleanup
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30,
                          check=True)
    with Outbox(path) as box:
        assert [(e.id, e.data) for e in box.pending()] == [(done.stdout.strip(), {"title": "crash"})]


def test_failed_entries_keep_the_error_and_leave_the_pending_queue(outbox: Outbox) -> None:
    a = outbox.add("session.create", {"n": 1})
    b = outbox.add("session.create", {"n": 2})
    assert outbox.mark_failed(a.id, "forbidden", "trainers cannot book for others")
    assert [e.id for e in outbox.pending()] == [b.id]
    (failed,) = outbox.failed()
    assert (failed.id, failed.state, failed.error_code, failed.error_message) == (
        a.id, "failed", "forbidden", "trainers cannot book for others")
    assert outbox.depth == 2
    assert not outbox.mark_failed("no-such-id", "x", "y")


def test_retry_puts_a_failed_entry_back_with_the_same_request_id(outbox: Outbox) -> None:
    a = outbox.add("session.create", {"n": 1})
    b = outbox.add("session.create", {"n": 2})
    outbox.mark_failed(a.id, "internal", "server hiccup")
    assert outbox.retry(a.id)
    assert [e.id for e in outbox.pending()] == [a.id, b.id]
    retried = outbox.get(a.id)
    assert retried is not None
    assert (retried.state, retried.error_code, retried.error_message) == ("pending", None, None)
    assert retried.data == a.data and retried.created_at == a.created_at
    assert outbox.failed() == []
    assert not outbox.retry(b.id)  # only failed entries can be retried


def test_discard_forgets_a_failed_or_pending_entry(outbox: Outbox) -> None:
    a = outbox.add("session.create", {"n": 1})
    b = outbox.add("session.create", {"n": 2})
    outbox.mark_failed(a.id, "conflict", "taken")
    assert outbox.discard(a.id)
    assert outbox.discard(b.id)
    assert outbox.failed() == [] and outbox.pending() == [] and outbox.depth == 0
    assert not outbox.discard(a.id)


def test_attempts_are_counted(outbox: Outbox) -> None:
    a = outbox.add("session.create", {})
    assert [outbox.record_attempt(a.id) for _ in range(3)] == [1, 2, 3]
    assert outbox.get(a.id).attempts == 3  # type: ignore[union-attr]
    assert outbox.record_attempt("gone") == 0


def test_data_that_is_not_json_is_refused_and_nothing_is_stored(outbox: Outbox) -> None:
    with pytest.raises(TypeError):
        outbox.add("session.create", {"when": object()})
    with pytest.raises(ValueError):
        outbox.add("session.create", {"x": float("nan")})
    assert outbox.depth == 0


def test_add_many_stores_a_batch_in_one_commit_in_order(outbox: Outbox) -> None:
    first = outbox.add("session.create", {"n": -1})
    batch = outbox.add_many(("session.create", {"n": n}) for n in range(5))
    assert [e.id for e in outbox.pending()] == [first.id] + [e.id for e in batch]
    with pytest.raises(TypeError):
        outbox.add_many([("session.create", {"n": 9}), ("session.create", {"bad": object()})])
    assert outbox.depth == 6


def test_ten_thousand_entries_stay_fast_to_add_list_and_count(outbox: Outbox) -> None:
    started = time.perf_counter()
    outbox.add_many(("session.update", {"n": n, "title": "x" * 60}) for n in range(WARN_DEPTH - 1))
    assert not outbox.should_warn()
    singles = [outbox.add("session.update", {"n": WARN_DEPTH + n}) for n in range(50)]
    pending = outbox.pending()
    depth = outbox.depth
    elapsed = time.perf_counter() - started
    assert depth == len(pending) == WARN_DEPTH + 49
    assert pending[-1].id == singles[-1].id and pending[0].data["n"] == 0
    assert outbox.should_warn()
    assert elapsed < 5.0, f"10,000 entries took {elapsed:.2f} s"


def _fill_to_the_page_limit(outbox: Outbox) -> None:
    """Pretend the disk is full: SQLite may not grow the file past its current size."""
    db = outbox._db  # the test reaches in; the app has no business limiting pages
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count={pages}")


def test_a_full_disk_makes_add_raise_a_clear_error_and_keeps_stored_entries(path: Path) -> None:
    box = Outbox(path)
    kept = [box.add("session.create", {"n": n}) for n in range(3)]
    _fill_to_the_page_limit(box)
    big = {"note": "x" * 50_000}
    with pytest.raises(OutboxError) as raised:
        for _ in range(5):
            box.add("session.create", big)
    assert raised.value.reason == "full"
    assert "disk is full" in str(raised.value) and str(path) in str(raised.value)
    assert [e.id for e in box.pending()] == [e.id for e in kept]
    with pytest.raises(OutboxError):
        box.add_many([("session.create", big)] * 3)
    # Still usable for everything that does not need more space.
    assert box.mark_done(kept[0].id)
    box.close()
    with Outbox(path) as reopened:
        assert [e.id for e in reopened.pending()] == [e.id for e in kept[1:]]


def test_a_read_only_database_makes_add_raise_a_clear_error(path: Path) -> None:
    box = Outbox(path)
    kept = box.add("session.create", {"n": 1})
    box._db.execute("PRAGMA query_only=1")  # SQLite refuses every write, as for a read-only file
    with pytest.raises(OutboxError) as raised:
        box.add("session.create", {"n": 2})
    assert raised.value.reason == "read_only"
    assert "read-only" in str(raised.value)
    with pytest.raises(OutboxError):
        box.mark_failed(kept.id, "x", "y")
    assert [e.id for e in box.pending()] == [kept.id]
    box.close()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores file permissions")
def test_a_file_in_a_read_only_folder_makes_add_raise_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "outbox.sqlite3"
    with Outbox(path) as box:
        kept = box.add("session.create", {"n": 1})
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        with pytest.raises(OutboxError):
            box = Outbox(path)
            try:
                box.add("session.create", {"n": 2})
            finally:
                box.close()
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    with Outbox(path) as box:
        assert [e.id for e in box.pending()] == [kept.id]


def test_a_file_held_by_another_writer_makes_add_raise_instead_of_hanging(path: Path) -> None:
    box = Outbox(path, busy_timeout=0.1)
    kept = box.add("session.create", {"n": 1})
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(OutboxError) as raised:
            box.add("session.create", {"n": 2})
        assert raised.value.reason == "locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert [e.id for e in box.pending()] == [kept.id]
    assert box.add("session.create", {"n": 3}).state == "pending"
    box.close()


def test_a_path_that_cannot_be_opened_raises_outbox_error(tmp_path: Path) -> None:
    with pytest.raises(OutboxError) as raised:
        Outbox(tmp_path / "missing-folder" / "outbox.sqlite3")
    assert "outbox" in str(raised.value)


def test_a_file_from_a_newer_app_version_is_not_touched(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.close()
    with pytest.raises(OutboxError, match="newer version"):
        Outbox(path)
