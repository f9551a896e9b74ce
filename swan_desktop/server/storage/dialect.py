"""The SQLite seam: everything that knows the server's database is SQLite lives here.

The store and the features build their queries with SQLAlchemy Core against
the tables in each feature's ``tables`` module; what differs between
databases is behind the functions below, so a PostgreSQL dialect can follow by
giving this module a sibling rather than by rewriting the store:

- :func:`open_engine` — the engine for a database file: WAL, foreign keys,
  ``synchronous=FULL`` and a busy timeout on every connection;
- :func:`begin_write`, :func:`commit`, :func:`rollback`, :func:`write_transaction` — a
  write transaction that takes the write lock at once (``BEGIN IMMEDIATE``),
  so two writers never deadlock upgrading a read lock;
- :func:`savepoint`, :func:`release`, :func:`rollback_to` — one change of a group commit
  inside the write transaction, undone alone when it is refused;
- :func:`insert_ignore`, :func:`upsert` — insert unless the key exists / insert or
  replace the row with that key;
- :func:`head_seq` — the last ``seq`` ever handed out by an autoincrement table;
- :data:`ERRORS` and :func:`reason` — the errors a database call may raise, in words;
- :class:`Prepared` — a statement on the request path, compiled once and run on the driver.

PostgreSQL (a ``postgresql://`` URL in place of the file) is the sibling
:mod:`.postgres`: each function here dispatches to it for such a database, so
the store and the features stay the same on both (see that module for what
differs: an advisory lock for the write transaction, event seqs under it,
``NOTIFY`` as the other instances' wake-up).

Connections from :func:`open_engine` run in autocommit at the driver, and the
store's connection in SQLAlchemy's ``AUTOCOMMIT`` mode: a read outside a
write transaction takes no lock for longer than the statement, and a write
transaction is exactly what :func:`begin_write` opened.
"""

from __future__ import annotations

import re
import sqlite3
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, tzinfo
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    Select,
    Table,
    case,
    cast,
    column,
    create_engine,
    event,
    exc,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite.dml import Insert as SqliteInsert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import ClauseElement, ColumnElement, coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TIMESTAMP, Float, Integer, NullType, String

from . import postgres

#: SQLite's ``synchronous`` for the server's connections: FULL, so a change the server has
#: acknowledged survives a power cut too. (``benchmarks/realtime.py --synchronous NORMAL``
#: changes it in that process only, to measure what FULL costs.)
SYNCHRONOUS = "FULL"

try:
    import psycopg
    _PG_ERRORS: tuple[type[Exception], ...] = (psycopg.Error,)
except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite works without it
    _PG_ERRORS = ()

#: What a failed database call raises (the driver's own errors, and SQLAlchemy's wrapping of them).
ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, *_PG_ERRORS, exc.SQLAlchemyError)


def is_postgres(target: object) -> bool:
    """Whether ``target`` (a path, a URL, or a :class:`Connection`) is a PostgreSQL database."""
    if isinstance(target, Connection):
        return target.dialect.name == "postgresql"
    return postgres.is_url(target)


def display(target: str | Path) -> str:
    """The database for a log line or a message: a file's path, or a URL without its password."""
    return postgres.display(str(target)) if postgres.is_url(str(target)) else str(target)

#: Default time a connection waits for a lock held by another connection.
BUSY_TIMEOUT_S = 5.0


def open_engine(path: str | Path, busy_timeout_s: float = BUSY_TIMEOUT_S, *,
                transactional: bool = False, read_only: bool = False) -> Engine:
    """An engine on the SQLite file at ``path`` (created if missing).

    With ``transactional`` (used by migrations), SQLAlchemy's own transactions
    are real ones: ``connection.begin()`` emits ``BEGIN IMMEDIATE`` and commit
    commits; foreign keys are not enforced on these connections, since changing a
    column rebuilds its table (SQLite's own procedure for that turns them off and
    checks them before commit: :func:`foreign_key_problems`). Without it, use
    the connection in ``AUTOCOMMIT`` and open write transactions with
    :func:`begin_write`. ``read_only`` opens an existing file
    only to look (nothing is created or changed, not even the journal mode).
    A ``postgresql://`` URL opens that database instead (:func:`.postgres.open_engine`).
    """
    if postgres.is_url(str(path)):
        return postgres.open_engine(str(path), transactional=transactional, read_only=read_only,
                                    connect_timeout_s=busy_timeout_s)

    def connect() -> sqlite3.Connection:
        if read_only:
            uri = Path(path).resolve().as_uri() + "?mode=ro"
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                                   timeout=busy_timeout_s)
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=busy_timeout_s)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA foreign_keys={'OFF' if transactional else 'ON'}")
        conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        return conn

    engine = create_engine("sqlite+pysqlite://", creator=connect, poolclass=NullPool)
    if transactional:
        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


def autocommit(conn: Connection) -> Connection:
    """``conn`` in the mode the store uses: each statement alone unless :func:`begin_write` opened one."""
    return conn.execution_options(isolation_level="AUTOCOMMIT")


def begin_write(db: Connection) -> None:
    """Open a write transaction, taking the database's write lock now (on PostgreSQL, an advisory
    lock every server instance on the database takes: one writer at a time, as on SQLite)."""
    if is_postgres(db):
        postgres.begin_write(_driver(db))
        return
    _driver(db).execute("BEGIN IMMEDIATE")


def commit(db: Connection) -> None:
    _driver(db).execute("COMMIT")


def rollback(db: Connection) -> None:
    _driver(db).execute("ROLLBACK")


def savepoint(db: Connection, name: str) -> None:
    """Mark a point inside the open write transaction that :func:`rollback_to` can return to
    (standard SQL: the same on SQLite and PostgreSQL)."""
    _driver(db).execute(f"SAVEPOINT {name}")


def release(db: Connection, name: str) -> None:
    """Keep what was done since ``savepoint(name)`` (it still commits only with the transaction)."""
    _driver(db).execute(f"RELEASE SAVEPOINT {name}")


def rollback_to(db: Connection, name: str) -> None:
    """Undo what was done since ``savepoint(name)``, and forget the savepoint."""
    driver = _driver(db)
    driver.execute(f"ROLLBACK TO SAVEPOINT {name}")
    driver.execute(f"RELEASE SAVEPOINT {name}")


def _driver(db: Connection) -> Any:
    """The DB-API connection under ``db`` (the same connection, so the same transaction)."""
    return db.connection.driver_connection


class Prepared:
    """A Core statement compiled once for ``db``'s dialect and run straight on its DB-API connection.

    For the few statements on every request's path (reading a session, writing
    the change, its event rows and its request-log reply): SQLAlchemy's
    execution costs more than SQLite's. Measured here over 2,000 session updates,
    each reading the request log and the session, updating it, writing its event
    and the log reply, and committing: raw sqlite3 (before) ~250 µs each; Core
    statements built per call ~1,100 µs, built once ~500 µs; these ~250 µs. A
    session read: 15 µs raw, 60 µs through Core, 18 µs this way.
    ``benchmarks/realtime.py --quick`` was too noisy on a shared machine to tell
    the variants apart (p99 11–25 ms for each); the measurement above decided.
    The SQL is still generated by SQLAlchemy for the dialect, not written for SQLite.
    """

    def __init__(self, db: Connection, statement: ClauseElement, columns: Sequence[str] | None = None,
                 *, returning_key: bool = False) -> None:
        #: An insert on PostgreSQL returns its new key (there is no ``lastrowid``): see :meth:`new_id`.
        self._returns = returning_key and is_postgres(db)
        if self._returns:
            assert isinstance(statement, Insert) and isinstance(statement.table, Table)
            statement = statement.returning(*statement.table.primary_key.columns)
        compiled = statement.compile(dialect=db.dialect, column_keys=list(columns) if columns else None)
        assert isinstance(compiled, SQLCompiler)
        self.sql = str(compiled)
        self._names: Sequence[str] | None = compiled.positiontup
        #: Values the statement itself holds (``active == 0``): sent with every execution.
        self._fixed = {name: value for name, value in compiled.params.items()
                       if not compiled.binds[name].required}

    def new_id(self, cursor: Any) -> int:
        """The key of the row an insert built with ``returning_key`` just added."""
        if self._returns:
            return int(cursor.fetchone()[0])
        return int(cursor.lastrowid)

    def _params(self, values: Mapping[str, Any]) -> Any:
        if self._fixed:
            values = {**self._fixed, **values}
        return values if self._names is None else tuple(values[n] for n in self._names)

    def run(self, db: Connection, values: Mapping[str, Any]) -> Any:
        """Execute with ``values`` (by name); the DB-API cursor (``lastrowid``, ``rowcount``)."""
        return _driver(db).execute(self.sql, self._params(values))

    def first(self, db: Connection, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row as a dict by column name, or None."""
        cursor = self.run(db, values)
        row = cursor.fetchone()
        return None if row is None else dict(zip((d[0] for d in cursor.description), row, strict=True))

    def all(self, db: Connection, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every row, each a dict by column name."""
        cursor = self.run(db, values)
        rows = cursor.fetchall()
        if not rows:
            return []
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def scalar(self, db: Connection, values: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        row = self.run(db, values).fetchone()
        return None if row is None else row[0]


@contextmanager
def write_transaction(db: Connection) -> Iterator[None]:
    """``with write_transaction(db): …`` commits when the block ends, rolls back when it raises."""
    begin_write(db)
    try:
        yield
        commit(db)
    except BaseException:
        rollback(db)
        raise


class _OnConflict(SqliteInsert):
    """SQLite's ``INSERT … ON CONFLICT`` carrying PostgreSQL's own for the same table, so a statement
    built once (at import, with no connection yet) runs on either database."""

    inherit_cache = True
    postgresql: Insert | None = None


@compiles(_OnConflict, "postgresql")
def _on_conflict_postgresql(element: _OnConflict, compiler: SQLCompiler, **kw: Any) -> str:
    assert element.postgresql is not None
    return compiler.process(element.postgresql, **kw)


def insert_ignore(table: Table) -> Insert:
    """``INSERT`` that does nothing when a row with the same key exists (``rowcount`` says which).

    Execute it with the row(s) as parameters: ``db.execute(insert_ignore(t), {...})``.
    """
    stmt = _OnConflict(table).on_conflict_do_nothing()
    stmt.postgresql = pg_insert(table).on_conflict_do_nothing()
    return stmt.execution_options(preserve_rowcount=True)


def upsert(table: Table, columns: Iterable[str]) -> Insert:
    """Insert a row, or, when one with the same primary key exists, set its ``columns`` instead.

    Execute it with every column (key included) as parameters; build it once, it
    does not change between executions.
    """
    keys = [c.name for c in table.primary_key.columns]
    stmt = _OnConflict(table)
    out = stmt.on_conflict_do_update(
        index_elements=keys, set_={name: stmt.excluded[name] for name in columns if name not in keys})
    pg = pg_insert(table)
    out.postgresql = pg.on_conflict_do_update(
        index_elements=keys, set_={name: pg.excluded[name] for name in columns if name not in keys})
    return out


def head_seq(db: Connection, table: Table) -> int:
    """The largest key ever handed out by ``table``'s autoincrement (also after deletes), 0 for none.

    On PostgreSQL the events table's largest ``seq`` (pruning always keeps the newest ones)."""
    if is_postgres(db):
        return postgres.head_seq(_driver(db))
    row = db.execute(text("SELECT seq FROM sqlite_sequence WHERE name = :name"),
                     {"name": table.name}).first()
    return int(row[0]) if row else 0


def next_seq(db: Connection) -> int | None:
    """The ``seq`` the next event written in this write transaction must take; None where the
    database hands it out itself (SQLite's AUTOINCREMENT, under its one-writer lock)."""
    return postgres.next_seq(_driver(db)) if is_postgres(db) else None


def events_written(db: Connection, last_seq: int) -> None:
    """Inside the write transaction that wrote events through ``last_seq``: wake the other server
    instances at commit (PostgreSQL's NOTIFY; nothing to do for SQLite's one server)."""
    if is_postgres(db):
        postgres.notify(_driver(db), last_seq)


def connection_lost(db: Connection) -> bool:
    """Whether ``db``'s connection is gone (a PostgreSQL restart); a SQLite file's never is."""
    if not is_postgres(db):
        return False
    return db.closed or db.invalidated or postgres.broken(_driver(db))


def file_check(path: str | Path, pragma: str = "integrity_check") -> str:
    """``ok``, or what SQLite's ``integrity_check``/``quick_check`` found wrong in the file at ``path``
    (opened read-only on a connection of its own)."""
    if pragma not in ("integrity_check", "quick_check"):
        raise ValueError(pragma)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"not a readable SQLite database ({exc})"
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])


def data_version(db: Connection) -> int:
    """SQLite's count of commits by other connections to this database file (``PRAGMA data_version``);
    on PostgreSQL a digest of the users table (what the account watch looks for)."""
    if is_postgres(db):
        return postgres.users_version(_driver(db))
    return int(db.exec_driver_sql("PRAGMA data_version").scalar() or 0)


def foreign_key_problems(db: Connection, limit: int = 5) -> list[str]:
    """Rows whose foreign key points nowhere (at most ``limit``), in words; empty when all is well.
    (PostgreSQL enforces every foreign key as it goes: nothing to check.)"""
    if is_postgres(db):
        return []
    rows = db.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return [f"{table} row {rowid} refers to a missing {parent} row"
            for table, rowid, parent, _ in rows[:limit]]


#: What a lost or refused database connection raises (not a bad statement: the database is away).
_UNREACHABLE: tuple[type[Exception], ...] = (
    exc.OperationalError, exc.InterfaceError, exc.PendingRollbackError, exc.ResourceClosedError,
    *((psycopg.OperationalError, psycopg.InterfaceError) if _PG_ERRORS else ()),
)


def unreachable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached or used right now (PostgreSQL away or
    restarting, a connection lost, a file locked for too long), rather than that a statement was wrong."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _UNREACHABLE) or isinstance(getattr(error, "orig", None), _UNREACHABLE)


def reason(error: BaseException) -> str:
    """The driver's words for a database error (without SQLAlchemy's statement dump)."""
    if isinstance(error, exc.DBAPIError) and error.orig is not None:
        return str(error.orig)
    return str(error)


def backup(source: str | Path, dest: str | Path) -> None:
    """A consistent copy of the database at ``source`` into a new file ``dest`` (SQLite's online backup),
    made a single self-contained file (rollback journal, not WAL)."""
    src = sqlite3.connect(str(source))
    try:
        out = sqlite3.connect(str(dest))
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
    finally:
        src.close()


def new_id(result: CursorResult[Any]) -> int:
    """The key the database gave the row an ``insert(table).values(...)`` just added."""
    key = result.inserted_primary_key
    assert key is not None, "not a single-row insert"
    return int(key[0])


# -- text search, periods and durations (the clients feature's search and reports) -------------
#: Tables SQLite makes for a full-text index (``<name>``, ``<name>_data`` …): not the metadata's own.
_FTS_SHADOWS = ("", "_data", "_idx", "_docsize", "_config", "_content")


def text_index_tables(name: str) -> tuple[str, ...]:
    """The tables behind the full-text index ``name`` (left out when schemas are compared)."""
    return tuple(name + suffix for suffix in _FTS_SHADOWS)


def create_text_index(db: Connection, name: str, table: str, key: str, columns: Sequence[str]) -> None:
    """A full-text index ``name`` over ``table``'s ``columns`` (substring matches of 3+ characters:
    FTS5 with the trigram tokenizer), kept up to date by triggers and filled from the rows there are."""
    if is_postgres(db):
        # PostgreSQL: a view of the same name and shape (``rowid``, the text), matched with its
        # own full-text search (:func:`prefix_tsquery`: the starts of words rather than SQLite's
        # trigram substrings).
        db.exec_driver_sql(f"CREATE VIEW {name} AS SELECT {key} AS rowid, {_pg_text(columns)} AS {name} "
                           f"FROM {table}")
        return
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    remove = f"INSERT INTO {name}({name}, rowid, {cols}) VALUES ('delete', old.{key}, {old});"
    add = f"INSERT INTO {name}(rowid, {cols}) VALUES (new.{key}, {new});"
    for sql in (
        f"CREATE VIRTUAL TABLE {name} USING fts5({cols}, content='{table}', content_rowid='{key}', "
        "tokenize='trigram')",
        f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {name}_au AFTER UPDATE OF {cols} ON {table} BEGIN {remove} {add} END",
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",
    ):
        db.exec_driver_sql(sql)


def _pg_words(text_sql: str) -> str:
    """PostgreSQL: the words of ``text_sql`` (punctuation a word break), as the search matches them
    and its index (:func:`create_words_index`) keeps them; one expression, so the planner uses it."""
    return f"to_tsvector('simple', regexp_replace({text_sql}, '[[:punct:]]+', ' ', 'g'))"


def _pg_text(columns: Sequence[str]) -> str:
    """PostgreSQL: the indexed text of a row (its ``columns``), as the text index's view gives it."""
    return " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)


def create_words_index(db: Connection, name: str, table: str, columns: Sequence[str]) -> None:
    """PostgreSQL: a GIN index of the words the text index ``name`` over ``table``'s ``columns``
    matches (without it every search read every row: 0.2–1.3 s at 500,000 sessions, on the
    store's one worker). SQLite's full-text index is its own index: nothing to add."""
    if is_postgres(db):
        db.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name}_words ON {table} "
                           f"USING gin (({_pg_words(_pg_text(columns))}))")
        # The planner's figures for the new expression (how common each word is): without them it
        # reads every row for a common word until the table has changed enough to be analyzed.
        db.exec_driver_sql(f"ANALYZE {table}")


def drop_words_index(db: Connection, name: str) -> None:
    if is_postgres(db):
        db.exec_driver_sql(f"DROP INDEX IF EXISTS {name}_words")


def drop_text_index(db: Connection, name: str) -> None:
    if is_postgres(db):
        db.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
        return
    for suffix in ("_ai", "_ad", "_au"):
        db.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}{suffix}")
    db.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


#: The shortest text the full-text index can find (trigrams).
TEXT_INDEX_MIN = 3


class _TextMatch(ColumnElement[Any]):
    """The full-text index ``column`` holds every one of ``terms``, in each database's own search."""

    inherit_cache = True
    type = NullType()  # a condition as it is: SQLite would add "= 1" to a Boolean
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own declaration (a list on its base)
        ("column", InternalTraversal.dp_clauseelement), ("sqlite_query", InternalTraversal.dp_clauseelement),
        ("pg_query", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any, terms: Sequence[str]) -> None:
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        self.sqlite_query = literal(fts5_query(terms))
        self.pg_query = literal(prefix_tsquery(terms))


@compiles(_TextMatch)
def _match_sqlite(element: _TextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} MATCH {compiler.process(element.sqlite_query, **kw)}"


@compiles(_TextMatch, "postgresql")
def _match_postgresql(element: _TextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    column, query = compiler.process(element.column, **kw), compiler.process(element.pg_query, **kw)
    return f"({_pg_words(column)} @@ to_tsquery('simple', {query}))"


def fts5_query(terms: Sequence[str]) -> str:
    """SQLite FTS5: every term as a quoted string (a substring, by the trigram tokenizer)."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms) or '""'


#: ASCII punctuation: a word break on both sides of PostgreSQL's search (``rita@exa`` is the words
#: ``rita`` and ``exa``, as ``rita@example.com`` is ``rita``, ``example``, ``com``), where its parser
#: would keep an email, a host or ``-345`` whole.
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]+")


def prefix_tsquery(terms: Sequence[str]) -> str:
    """PostgreSQL ``to_tsquery``: every word of the terms (split at punctuation) a quoted lexeme
    matched as a prefix (``'ann':*`` finds "Anna"), joined by ``&``. Inside the quotes a quote or
    backslash is doubled, so the user's text is only ever words to look for, never operators."""
    words = [w for t in terms for w in _PUNCTUATION.split(t) if w]
    return " & ".join("'" + w.replace("\\", "\\\\").replace("'", "''") + "':*" for w in words)


def text_matches(name: str, words: str, newest: int | None = None) -> Any:
    """A selectable of the keys (``rowid``) of rows whose indexed text holds ``words`` (each word,
    case-insensitive: on SQLite as a substring, on PostgreSQL as the start of a word); ``words`` of
    fewer than :data:`TEXT_INDEX_MIN` characters find nothing. With ``newest``: only the ``newest``
    highest keys (the index hands them out in key order without reading the other matches)."""
    found, fts = _matching(name, words)
    return found if newest is None else found.order_by(fts.c.rowid.desc()).limit(newest)


def _matching(name: str, words: str) -> tuple[Select[Any], Any]:
    terms = [w for w in words.split() if len(w) >= TEXT_INDEX_MIN]
    fts = table(name, column("rowid"), column(name))
    return select(fts.c.rowid).where(_TextMatch(fts.c[name], terms)).where(literal(bool(terms))), fts


#: PostgreSQL: the newest rows :func:`newest_matches` reads first, one by one, before it asks the
#: words' index for every match.
NEWEST_WINDOW = 20_000


def newest_matches(db: Connection, name: str, words: str, newest: int) -> list[int]:
    """The ``newest`` highest keys of the rows :func:`text_matches` finds, highest first.

    SQLite's index hands them out in key order. PostgreSQL's words index does not: reading the
    rows newest first and checking each suits a common word (one session in eight says "knee":
    500 found within 4,000 rows) and costs a rare one every row (0.7 s at 500,000 sessions),
    while the words index suits a rare word and a common one costs its tens of thousands of
    matches. So the newest :data:`NEWEST_WINDOW` rows are read first, and only a word with fewer
    matches there than wanted goes to the index (rare in the newest rows, so few in all)."""
    if not is_postgres(db):
        return list(db.execute(text_matches(name, words, newest)).scalars())
    found, fts = _matching(name, words)
    top = db.execute(select(func.max(fts.c.rowid))).scalar()
    if top is None:
        return []
    recent = list(db.execute(found.where(fts.c.rowid > top - NEWEST_WINDOW)
                             .order_by(fts.c.rowid.desc()).limit(newest)).scalars())
    if len(recent) >= newest:
        return recent
    every = found.cte("hits").prefix_with("MATERIALIZED")  # the planner would read every row again
    return list(db.execute(select(every.c.rowid).order_by(every.c.rowid.desc()).limit(newest)).scalars())


def zone_offsets(zone: tzinfo, low: datetime, high: datetime) -> list[tuple[datetime, timedelta]]:
    """``(from, offset)``: ``zone``'s UTC offset from ``low`` (UTC), and from each change of it
    (summer time) before ``high``, to the second."""
    def offset(at: datetime) -> timedelta:
        return at.astimezone(zone).utcoffset() or timedelta()

    out = [(low, offset(low))]
    at = low
    while at < high:
        nxt = min(at + timedelta(days=1), high)
        if offset(nxt) != out[-1][1]:
            before, after = at, nxt  # the change is in (before, after]: halve to the second
            while after - before > timedelta(seconds=1):
                middle = before + (after - before) / 2
                if offset(middle) == out[-1][1]:
                    before = middle
                else:
                    after = middle
            out.append((after.replace(microsecond=0), offset(after)))
        at = nxt
    return out


def _sql_text(value: str) -> Any:
    """A string constant written into the statement (values the server made, never a user's text)."""
    return literal_column("'" + value.replace("'", "''") + "'")


class _LocalDay(ColumnElement[str]):
    """``YYYY-MM-DD`` of a stored UTC time in a time zone: PostgreSQL converts with its own zone
    rules (``AT TIME ZONE``); SQLite, which has none, adds the zone's offset at that moment, the
    offsets and the moments they change given in the statement (``CASE``)."""

    inherit_cache = True
    type = String()
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own declaration (a list on its base)
        ("sqlite_form", InternalTraversal.dp_clauseelement), ("pg_form", InternalTraversal.dp_clauseelement)]

    def __init__(self, ts: Any, zone: ZoneInfo, low: datetime, high: datetime) -> None:
        ts = coercions.expect(roles.ExpressionElementRole, ts)
        shifts = zone_offsets(zone, low, high)

        def modifier(offset: timedelta) -> Any:
            return _sql_text(f"{int(offset.total_seconds()):+d} seconds")

        whens = [(ts < _sql_text(f"{start:%Y-%m-%dT%H:%M:%SZ}"), modifier(before))
                 for (_, before), (start, _) in pairwise(shifts)]
        shift = case(*whens, else_=modifier(shifts[-1][1])) if whens else modifier(shifts[-1][1])
        self.sqlite_form = func.date(ts, shift)
        local = func.timezone(_sql_text(zone.key), cast(ts, TIMESTAMP(timezone=True)))
        self.pg_form = func.to_char(local, _sql_text("YYYY-MM-DD"))


@compiles(_LocalDay)
def _local_day_sqlite(element: _LocalDay, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.sqlite_form, **kw))


@compiles(_LocalDay, "postgresql")
def _local_day_postgresql(element: _LocalDay, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.pg_form, **kw))


def day(ts: Any, zone: ZoneInfo, low: datetime, high: datetime) -> Any:
    """``YYYY-MM-DD`` in ``zone`` of a stored UTC time between ``low`` and ``high`` (UTC)."""
    return _LocalDay(ts, zone, low, high)


def month(ts: Any, zone: ZoneInfo, low: datetime, high: datetime) -> Any:
    """``YYYY-MM`` in ``zone`` of a stored UTC time between ``low`` and ``high`` (UTC)."""
    return func.substr(_LocalDay(ts, zone, low, high), 1, 7)


class _TimeArithmetic(ColumnElement[Any]):
    """Two operands, ``a`` and ``b`` (stored UTC times, ``…Z`` text, or numbers), combined in
    each database's own time arithmetic: the subclass's :attr:`sqlite` and :attr:`postgresql`
    templates."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own declaration (a list on its base)
        ("a", InternalTraversal.dp_clauseelement), ("b", InternalTraversal.dp_clauseelement)]
    sqlite = ""
    postgresql = ""

    def __init__(self, a: Any, b: Any) -> None:
        self.a = coercions.expect(roles.ExpressionElementRole, a)
        self.b = coercions.expect(roles.ExpressionElementRole, b)

    def render(self, template: str, compiler: SQLCompiler, **kw: Any) -> str:
        return template.format(a=compiler.process(self.a, **kw), b=compiler.process(self.b, **kw))


@compiles(_TimeArithmetic)
def _arithmetic_sqlite(element: _TimeArithmetic, compiler: SQLCompiler, **kw: Any) -> str:
    return element.render(element.sqlite, compiler, **kw)


@compiles(_TimeArithmetic, "postgresql")
def _arithmetic_postgresql(element: _TimeArithmetic, compiler: SQLCompiler, **kw: Any) -> str:
    return element.render(element.postgresql, compiler, **kw)


class _HoursBetween(_TimeArithmetic):
    """Hours from ``a`` to ``b``, as a number."""

    inherit_cache = True
    type = Float()
    sqlite = "((julianday({b}) - julianday({a})) * 24.0)"
    postgresql = "(EXTRACT(EPOCH FROM (CAST({b} AS timestamptz) - CAST({a} AS timestamptz))) / 3600.0)"


def hours_between(start: Any, end: Any) -> Any:
    """Hours from ``start`` to ``end`` (stored UTC times), as a number."""
    return _HoursBetween(start, end)


class _HoursEarlier(_TimeArithmetic):
    """The stored time ``a``, ``b`` hours earlier, stored the same way."""

    inherit_cache = True
    type = String()
    sqlite = "strftime('%Y-%m-%dT%H:%M:%SZ', {a}, '-' || {b} || ' hours')"
    postgresql = ("to_char((CAST({a} AS timestamptz) - make_interval(hours => {b})) AT TIME ZONE 'UTC', "
                  "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")


def hours_earlier(ts: Any, hours: int) -> Any:
    """The stored UTC time ``hours`` before ``ts`` (a stored UTC time), as a stored time."""
    return _HoursEarlier(ts, literal(int(hours), Integer()))
