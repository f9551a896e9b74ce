"""The schema's history: a file from the last release before migrations were tracked is
recognised as the baseline and upgraded (after a backup) keeping every row; a file from a
newer release is refused; a new file is created by the migrations; ``db`` reports all of it.

``tests/fixtures/release-0db70c9.sqlite3`` was written by that release (see
``tests/fixtures/make_release_db.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from websockets.asyncio.client import connect

from swan_desktop.server import cli
from swan_desktop.server.storage import dialect, migrate
from swan_desktop.server.storage.schema import CLIENT_INDEX, SEARCH_INDEX, include_name, metadata
from swan_desktop.server.store import Store

from .support import CLI, WsClient

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "release-0db70c9.sqlite3"
BASELINE = "0001_baseline"
#: The revision before session ids were kept from being handed out again (0012).
BEFORE_IDS_KEPT = "0011_clients_erased_at"
FROM_THE_FUTURE = "9999_from_a_newer_release"
#: Tables the release's features filled (the fixture has rows in each).
FILLED = ("sessions", "events", "notifications", "notification_recipients", "chat_messages", "activity",
          "monitor_samples", "session_versions", "series_members", "trainer_hours", "ics_feeds", "users")

Snapshot = dict[str, list[tuple[Any, ...]]]
#: Tables and columns that revisions after the release added, and what existing rows get.
NEW_TABLES = {"time_off", "packages", "package_sales", "session_clients", "waitlist", "client_emails",
              "client_email_sends", "server_instances", "presence_entries"}
#: New tables the upgrade fills from what the file held: the opening credit rows, the session search index.
_INDEXES = (*dialect.text_index_tables(SEARCH_INDEX), *dialect.text_index_tables(CLIENT_INDEX))
FILLED_TABLES = ({"credit_ledger", "session_cancellations", "session_prices", *_INDEXES}
                 - {"sessions_search_content", "clients_search_content"})
ADDED_COLUMNS = {("trainers", "active"): 1, ("session_types", "active"): 1, ("locations", "active"): 1,
                 ("locations", "capacity"): 1, ("users", "active"): 1, ("session_types", "capacity"): 1,
                 ("clients", "archived"): 0, ("clients", "consent_reminders"): 0,
                 # 0008: clients added before have no author (counted for nobody's allowance);
                 # 0009: an address kept before stays the confirmed one (nothing waits, no code)
                 ("clients", "created_by"): None, ("notification_prefs", "pending_email"): "",
                 ("notification_prefs", "code_hash"): "", ("notification_prefs", "code_tries"): 0,
                 ("notification_prefs", "codes_sent"): 0,
                 ("clients", "erased_at"): None}  # 0011: no client was erased before


def _columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT IN ('sqlite_sequence', 'alembic_version') ORDER BY name")]
        return {name: [c[1] for c in conn.execute(f'PRAGMA table_info("{name}")')] for name in names}
    finally:
        conn.close()


def snapshot(path: Path, columns_of: Path | None = None) -> Snapshot:
    """Every row of every table (but Alembic's and SQLite's own), sorted; with ``columns_of``,
    only the columns that file's tables have (a later revision's added columns left out)."""
    wanted = _columns(columns_of) if columns_of is not None else {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out: Snapshot = {}
        for name, columns in _columns(path).items():
            picked = ", ".join(f'"{c}"' for c in wanted.get(name, columns))
            out[name] = sorted(conn.execute(f'SELECT {picked} FROM "{name}"'), key=repr)
        return out
    finally:
        conn.close()


def added_values(path: Path) -> dict[tuple[str, str], set[Any]]:
    """The distinct values each column added after the release holds."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {(table, column): {r[0] for r in conn.execute(f'SELECT DISTINCT "{column}" FROM "{table}"')}
                for table, column in ADDED_COLUMNS}
    finally:
        conn.close()


def shape(path: Path) -> dict[str, Any]:
    """Each table's columns (name, type, default, key; not-null except on key columns), indexes
    and foreign keys. SQLite lets a TEXT key column hold NULL unless it says NOT NULL; the
    migrations say it, so key columns are compared without that flag."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out: dict[str, Any] = {}
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "AND name NOT IN ('sqlite_sequence', 'alembic_version')"):
            columns = [(c[1], c[2], bool(c[3]) and not c[5], c[4], c[5])
                       for c in conn.execute(f'PRAGMA table_info("{name}")')]
            indexes = sorted((i[1], i[2], tuple(c[2] for c in conn.execute(f'PRAGMA index_info("{i[1]}")')))
                             for i in conn.execute(f'PRAGMA index_list("{name}")'))
            keys = sorted(tuple(k[2:]) for k in conn.execute(f'PRAGMA foreign_key_list("{name}")'))
            out[name] = (columns, indexes, keys)
        return out
    finally:
        conn.close()


def _balances_are_ledger_sums(path: Path) -> bool:
    """Every client's credits equal the sum of their ledger rows (the opening rows of 0004_clients)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT c.id, c.credits, COALESCE(SUM(l.delta), 0) FROM clients c "
                            "LEFT JOIN credit_ledger l ON l.client_id = c.id GROUP BY c.id").fetchall()
        return bool(rows) and all(credits == total for _, credits, total in rows)
    finally:
        conn.close()


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.bak-*"))


@pytest.fixture
def release_db(tmp_path: Path) -> Path:
    path = tmp_path / "studio.sqlite3"
    shutil.copyfile(FIXTURE, path)
    return path


def stamp(path: Path, revision: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        conn.commit()
    finally:
        conn.close()


def test_the_fixture_is_a_small_file_from_before_migrations_with_rows_in_every_feature() -> None:
    assert FIXTURE.stat().st_size < 1_000_000
    rows = snapshot(FIXTURE)
    assert "alembic_version" not in shape(FIXTURE)
    assert all(rows[table] for table in FILLED), {t: len(rows[t]) for t in FILLED}


def test_db_current_names_the_baseline_for_a_file_from_the_last_release_and_changes_nothing(
    release_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["db", "current", "--db", str(release_db)]) == 0
    assert capsys.readouterr().out.strip() == f"{BASELINE} (baseline, before migrations were tracked)"
    assert snapshot(release_db) == snapshot(FIXTURE)
    assert "alembic_version" not in shape(release_db) and not backups(release_db)


def test_db_history_lists_every_revision_oldest_first_and_marks_head_and_current(
    release_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["db", "history", "--db", str(release_db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    revisions = [line.split(":")[0].split(" ")[0] for line in lines]
    assert revisions == [r for r, _, _ in migrate.history()]
    assert revisions[0] == BASELINE and len(revisions) >= 2
    assert lines[0].startswith(f"{BASELINE} (current): Baseline")
    assert lines[-1].startswith(f"{migrate.head()} (head): ")


def test_opening_the_store_upgrades_a_release_file_after_a_backup_keeping_every_row(
    release_db: Path,
) -> None:
    before = snapshot(FIXTURE)
    store = Store(release_db)
    try:
        assert store.session(before["sessions"][0][0]) is not None
        assert store.head_seq() == max(r[0] for r in before["events"])
    finally:
        store.close()
    assert migrate.state(release_db).describe() == f"{migrate.head()} (head)"
    after = snapshot(release_db, columns_of=FIXTURE)
    assert set(after) == set(before) | NEW_TABLES | FILLED_TABLES
    assert all(not after[table] for table in NEW_TABLES)
    assert _balances_are_ledger_sums(release_db)
    assert _cancellations_are_judged_as_before(release_db)
    assert _prices_are_the_types(release_db)
    with sqlite3.connect(release_db) as conn:  # the one server's history stays its own (0005)
        assert {r[0] for r in conn.execute("SELECT DISTINCT instance FROM monitor_samples")} <= {"main"}
    for table in before:
        if table == "meta":  # 0002 drops the unread meta.schema row
            assert after[table] == [r for r in before[table] if r[0] != "schema"]
        else:
            assert after[table] == before[table], table
    assert added_values(release_db) == {(table, column): {default}
                                        for (table, column), default in ADDED_COLUMNS.items()}
    [copy] = backups(release_db)
    assert copy.name.startswith(f"studio.sqlite3.bak-{BASELINE}-")
    assert snapshot(copy) == before  # the copy is the file as it was
    Store(release_db).close()  # at the head now: opened again without another backup
    assert backups(release_db) == [copy]


def _prices_are_the_types(db: Path) -> bool:
    """0013: each session still to be completed costs what its type did at the upgrade."""
    with sqlite3.connect(db) as conn:
        expected = set(conn.execute(
            "SELECT sessions.id, session_types.credits FROM sessions JOIN session_types "
            "ON session_types.id = sessions.session_type_id WHERE status NOT IN ('completed', 'cancelled')"))
        kept = set(conn.execute("SELECT session_id, credits FROM session_prices"))
    return bool(expected) and kept == expected


def _cancellations_are_judged_as_before(db: Path) -> bool:
    """0007: each session the file held as cancelled is kept late or timely as its last change and
    the studio's window (24 h, the fixture sets none) judged it before."""
    with sqlite3.connect(db) as conn:
        cancelled = {sid: (start, changed) for sid, start, changed in conn.execute(
            "SELECT id, start, updated_at FROM sessions WHERE status = 'cancelled'")}
        kept = {sid: (at, late) for sid, at, late in conn.execute(
            "SELECT session_id, cancelled_at, late FROM session_cancellations")}
    def late(start: str, changed: str) -> int:
        at = datetime.fromisoformat(changed.replace("Z", "+00:00"))
        return int(at > datetime.fromisoformat(start.replace("Z", "+00:00")) - timedelta(hours=24))
    return bool(cancelled) and kept == {sid: (changed, late(start, changed)) for sid, (start, changed)
                                        in cancelled.items()}


def test_an_upgraded_release_file_has_the_same_schema_as_a_new_one(release_db: Path, tmp_path: Path) -> None:
    migrate.upgrade(release_db)
    migrate.upgrade(tmp_path / "new.sqlite3")
    assert shape(release_db) == shape(tmp_path / "new.sqlite3")


def test_the_migrations_make_exactly_the_tables_of_the_metadata(tmp_path: Path) -> None:
    migrate.upgrade(tmp_path / "new.sqlite3")
    engine = dialect.open_engine(tmp_path / "new.sqlite3")
    try:
        with engine.connect() as conn:
            assert compare_metadata(
                MigrationContext.configure(conn, opts={"include_name": include_name}), metadata) == []
    finally:
        engine.dispose()


def test_a_file_older_still_gets_the_session_columns_added_after_the_first_release(release_db: Path) -> None:
    conn = sqlite3.connect(release_db)
    for column in ("series_id", "attendance", "checked_in_at"):
        conn.execute(f"ALTER TABLE sessions DROP COLUMN {column}")
    conn.close()
    sessions = snapshot(release_db)["sessions"]
    done = migrate.upgrade(release_db)
    assert done.before.untracked and done.backup is not None
    upgraded = snapshot(release_db)["sessions"]  # the added columns come last
    assert [r[:-3] for r in upgraded] == sessions
    assert {r[-3:] for r in upgraded} == {(None, None, None)}
    store = Store(release_db)
    try:
        assert store.session(sessions[0][0]) is not None
    finally:
        store.close()


def test_a_new_file_is_created_at_the_head_by_the_migrations_without_a_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.sqlite3"
    assert cli.main(["db", "upgrade", "--db", str(path)]) == 0
    assert migrate.state(path).revision == migrate.head()
    assert not backups(path)
    Store(tmp_path / "other.sqlite3").close()
    assert migrate.state(tmp_path / "other.sqlite3").describe() == f"{migrate.head()} (head)"
    assert not backups(tmp_path / "other.sqlite3")
    capsys.readouterr()
    assert cli.main(["db", "current", "--db", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"{migrate.head()} (head)"


def test_a_file_from_a_newer_release_is_refused_naming_its_revision(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    Store(path).close()
    stamp(path, FROM_THE_FUTURE)
    before = snapshot(path)
    with pytest.raises(migrate.SchemaError, match=FROM_THE_FUTURE):
        Store(path)
    result = subprocess.run([*CLI, "db", "upgrade", "--db", str(path)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 1 and FROM_THE_FUTURE in result.stderr
    serve = subprocess.run([*CLI, "serve", "--db", str(path), "--port", "0"], capture_output=True, text=True,
                           timeout=60, check=False)
    assert serve.returncode == 1
    assert f"schema revision '{FROM_THE_FUTURE}'" in serve.stderr and "newer Swan release" in serve.stderr
    assert serve.stdout == ""
    assert snapshot(path) == before and not backups(path)


async def test_serve_upgrades_a_release_file_and_serves_what_it_held(release_db: Path) -> None:
    before = snapshot(FIXTURE)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = await asyncio.create_subprocess_exec(
        *CLI, "serve", "--db", str(release_db), "--port", "0", "--tls", "off",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
        assert line.startswith("swan-server listening on ws://127.0.0.1:"), line
        said = ""
        while "backup:" not in said:  # after the migration's own log lines
            said = (await asyncio.wait_for(proc.stderr.readline(), 5)).decode()
        assert f"from {BASELINE} (baseline, before migrations were tracked) to {migrate.head()}" in said
        async with connect(line.rsplit(" ", 1)[1]) as ws:
            client = WsClient(ws)
            await client.ok("authenticate", {"username": "ana", "password": "ana-secret"})
            sessions = (await client.ok("schedule.query", {"start": "2031-03-01T00:00:00Z",
                                                           "end": "2031-05-01T00:00:00Z"}))["sessions"]
            notes = {s["notes"] for s in sessions}
            assert "moved to the big room" in notes and "made on day 7" in notes
            chat = (await client.ok("chat.history", {"room": "studio"}))["messages"]
            assert "good morning" in {m["text"] for m in chat}
            inbox = (await client.ok("notification.query", {}))["notifications"]
            assert {"Closed Monday", "Trainers meeting"} <= {n["title"] for n in inbox}
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 20)
    assert code == 0
    [copy] = backups(release_db)
    assert snapshot(copy) == before
    after = snapshot(release_db, columns_of=FIXTURE)
    # Serving adds rows (sign-in tokens, monitor samples, status events) but loses none of these;
    # monitor samples past their retention are pruned by the first new sample, as in any release.
    for table in ("sessions", "events", "notifications", "notification_recipients", "chat_messages",
                  "activity", "session_versions", "users"):
        assert set(before[table]) <= set(after[table]), table
    assert len(after["sessions"]) == len(before["sessions"])


def test_the_head_read_from_the_scripts_is_alembics_own() -> None:
    assert migrate.shipped_head() == migrate.head()


def test_a_history_that_is_not_plain_leaves_the_decision_to_alembic(tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts)
    # Two releases' revisions after the same one: two heads, which only Alembic may judge.
    (scripts / "versions" / "0005_other.py").write_text(
        f'revision = "0005_other"\ndown_revision: str | None = "{migrate.head()}"\n', "utf-8")
    (scripts / "versions" / "0005_mine.py").write_text(
        f'revision = "0005_mine"\ndown_revision: str | None = "{migrate.head()}"\n', "utf-8")
    assert migrate.shipped_head(scripts) is None


def test_a_file_at_the_head_starts_without_importing_alembic(tmp_path: Path) -> None:
    path = tmp_path / "studio.sqlite3"
    assert migrate.upgrade(path).before.empty  # made by the migrations
    assert migrate.at_shipped_head(path) == migrate.head()
    probe = ("import sys\n"
             "from swan_desktop.server.storage import migrate\n"
             f"done = migrate.upgrade({str(path)!r})\n"
             "print(done.changed, done.after, 'alembic' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", migrate.head(), "False"]


def test_a_file_behind_the_head_is_still_upgraded_through_alembic(tmp_path: Path) -> None:
    path = tmp_path / "release.sqlite3"
    shutil.copy(FIXTURE, path)
    assert migrate.at_shipped_head(path) is None  # untracked: no version row
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO alembic_version VALUES (?)", (BASELINE,))
    assert migrate.at_shipped_head(path) is None
    assert migrate.upgrade(path).changed
    assert migrate.at_shipped_head(path) == migrate.head()


def upgrade_to(path: Path, revision: str) -> None:
    """The file at ``path`` upgraded only as far as ``revision`` (as that release left it)."""
    engine = dialect.open_engine(path, transactional=True)
    try:
        with engine.connect() as conn, conn.begin():
            command.upgrade(migrate.config(conn), revision)
    finally:
        engine.dispose()


#: The release's newest sessions, deleted before the upgrade; its activity, kept versions, chat,
#: events and notifications still name the newest of them, 438.
DELETED_ABOVE, NAMED = 433, 438


@pytest.fixture
def ids_not_kept(release_db: Path) -> Path:
    """The release file at 0011, its newest sessions deleted as the server deletes them."""
    upgrade_to(release_db, BEFORE_IDS_KEPT)
    with contextlib.closing(sqlite3.connect(release_db)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM sessions WHERE id > ?", (DELETED_ABOVE,))
        conn.commit()
        assert conn.execute("SELECT max(id) FROM sessions").fetchone()[0] <= DELETED_ABOVE
    return release_db


def _new_session(path: Path, notes: str = "") -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        cursor = conn.execute(
            'INSERT INTO sessions (start, "end", trainer_id, status, notes) '
            "VALUES ('2031-06-02T10:00:00Z', '2031-06-02T11:00:00Z', 1, 'scheduled', ?)", (notes,))
        conn.commit()
        assert cursor.lastrowid is not None
        return cursor.lastrowid


def _sessions_schema(path: Path) -> tuple[Any, ...]:
    """``sessions``' columns, indexes and foreign keys, its triggers, and what its search finds."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        triggers = sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                       "AND tbl_name = 'sessions'"))
        found = sorted(r[0] for r in conn.execute(
            f"SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH ?", ('"big room"',)))
        indexed = conn.execute(f"SELECT count(*) FROM {SEARCH_INDEX}").fetchone()[0]
    return shape(path)["sessions"], triggers, found, indexed


def _highest_session_id_column(path: Path) -> int:
    """The highest id in ``sessions.id`` and every ``session_id`` column of the file."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        top = [conn.execute("SELECT max(id) FROM sessions").fetchone()[0]]
        for table in tables:
            if "session_id" in {c[1] for c in conn.execute(f'PRAGMA table_info("{table}")')}:
                top.append(conn.execute(f'SELECT max(session_id) FROM "{table}"').fetchone()[0])
    return max(t for t in top if t is not None)


def test_after_the_upgrade_a_new_session_takes_an_id_no_record_of_a_deleted_one_names(
    ids_not_kept: Path,
) -> None:
    before, schema = snapshot(ids_not_kept), _sessions_schema(ids_not_kept)
    assert schema[2] and schema[1], "the release's session found by its notes; the index's triggers"
    assert _highest_session_id_column(ids_not_kept) == NAMED > DELETED_ABOVE
    migrate.upgrade(ids_not_kept)
    remade = set(dialect.text_index_tables(SEARCH_INDEX))  # the search index: compared by what it finds
    # 0013's, filled from the sessions (test_opening_the_store_upgrades_…); 0015's, new and empty
    later = {"session_prices", "client_email_sends"}
    after = {table: rows for table, rows in snapshot(ids_not_kept).items() if table not in remade | later}
    # 0017 gives every room a last column, sessions_at_once, of 1: one session at a time, as before
    rooms = after.pop("locations")
    assert [row[:-1] for row in rooms] == before["locations"] and {row[-1] for row in rooms} == {1}
    assert after == {table: rows for table, rows in before.items()
                     if table not in remade | {"locations"}}  # every row
    assert _sessions_schema(ids_not_kept) == schema  # columns, indexes, keys, triggers, search
    assert dialect.file_check(ids_not_kept) == "ok"
    with contextlib.closing(sqlite3.connect(ids_not_kept)) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    new = _new_session(ids_not_kept, notes="knee rehab after quixotic fall")
    assert new == NAMED + 1
    with contextlib.closing(sqlite3.connect(ids_not_kept)) as conn:  # the search follows new sessions
        assert conn.execute(f"SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH ?",
                            ('"quixotic"',)).fetchall() == [(new,)]
        conn.execute("DELETE FROM sessions WHERE id = ?", (new,))
        conn.commit()
    assert _new_session(ids_not_kept) == new + 1  # and from now on an id is never handed out twice


#: Records that may name a deleted session beyond every other: each gets a row naming session 900.
NAMING_900 = {
    "its credit charge": "INSERT INTO credit_ledger (client_id, delta, balance_after, reason, session_id, "
                         "at) VALUES (1, -1, 0, 'completion', 900, '2031-01-01T00:00:00Z')",
    "its email": "INSERT INTO client_emails (session_id, client_id, kind, due_at, to_addr, created_at) "
                 "VALUES (900, 1, 'confirmation', '2031-01-01T00:00:00Z', 'a@example.com', "
                 "'2031-01-01T00:00:00Z')",
    "a kept version": "INSERT INTO session_versions (session_id, version, fields, ts) "
                      "VALUES (900, 2, '{}', '2031-01-01T00:00:00Z')",
    "a notification's link": "INSERT INTO notifications (title, message, category, priority, source, links, "
                             "created_at) VALUES ('Booked', '', 'booking', 'normal', 'schedule', "
                             "'{\"session\": 900}', '2031-01-01T00:00:00Z')",
    "its deletion event": "INSERT INTO events (kind, ts, data) "
                          "VALUES ('session:deleted', '2031-01-01T00:00:00Z', '{\"id\": 900}')",
}


@pytest.mark.parametrize("record", NAMING_900)
def test_after_the_upgrade_new_ids_go_on_above_a_deleted_session_named_only_by(
    ids_not_kept: Path, record: str
) -> None:
    with contextlib.closing(sqlite3.connect(ids_not_kept)) as conn:
        conn.execute(NAMING_900[record])
        conn.commit()
    migrate.upgrade(ids_not_kept)
    assert _new_session(ids_not_kept) == 901


def test_a_sale_made_before_voids_and_refunds_upgrades_to_one_that_holds_its_credits(
        release_db: Path) -> None:
    """A file at 0013 with a ten-pack sold: after 0014-0016 the sale is neither voided nor refunded,
    its refund columns read empty, and what it holds is its ten credits (the void and refund rules
    and the Left column read these)."""
    from swan_desktop.server.clients import search

    upgrade_to(release_db, "0013_session_prices")
    with contextlib.closing(sqlite3.connect(release_db)) as conn:
        client_id, balance = conn.execute("SELECT id, credits FROM clients ORDER BY id LIMIT 1").fetchone()
        package = conn.execute("INSERT INTO packages (name, credits, price_cents, validity_days) "
                               "VALUES ('Ten', 10, 42000, 0)").lastrowid
        sale = conn.execute("INSERT INTO package_sales (client_id, package_id, credits, price_paid_cents, "
                            "sold_at) VALUES (?, ?, 10, 42000, '2026-11-01T10:00:00Z')",
                            (client_id, package)).lastrowid
        conn.execute("INSERT INTO credit_ledger (client_id, delta, balance_after, reason, sale_id, at) "
                     "VALUES (?, 10, ?, 'sale', ?, '2026-11-01T10:00:00Z')", (client_id, balance + 10, sale))
        conn.execute("UPDATE clients SET credits = ? WHERE id = ?", (balance + 10, client_id))
        conn.commit()
    migrate.upgrade(release_db)
    with contextlib.closing(sqlite3.connect(release_db)) as conn:
        row = conn.execute("SELECT voided_at, voided_by, void_reason, refunded_at, refund_credits, "
                           "refund_cents, refund_reason FROM package_sales WHERE id = ?", (sale,)).fetchone()
    assert row == (None, None, "", None, 0, 0, "")
    store = Store(release_db)
    try:
        now = datetime(2026, 12, 1, tzinfo=UTC)
        [listed] = [s for s in search.sales(store, client_id, now) if s["id"] == sale]
    finally:
        store.close()
    assert listed["holds"] == 10 and "voided_at" not in listed and "refunded_at" not in listed
