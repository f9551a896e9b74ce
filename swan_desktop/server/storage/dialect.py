"""The SQLite seam: everything that knows the server's database is SQLite lives here.

The store and the features build their queries with SQLAlchemy Core against
the tables in each feature's ``tables`` module; what differs between
databases is behind the functions below, so a PostgreSQL dialect can follow by
giving this module a sibling rather than by rewriting the store:

- :func:`open_engine` — the engine for a database file: WAL, foreign keys,
  ``synchronous=NORMAL`` and a busy timeout on every connection;
- :func:`begin_write`, :func:`commit`, :func:`rollback`, :func:`write_transaction` — a
  write transaction that takes the write lock at once (``BEGIN IMMEDIATE``),
  so two writers never deadlock upgrading a read lock;
- :func:`insert_ignore`, :func:`upsert` — insert unless the key exists / insert or
  replace the row with that key;
- :func:`head_seq` — the last ``seq`` ever handed out by an autoincrement table;
- :data:`ERRORS` and :func:`reason` — the errors a database call may raise, in words.

Connections from :func:`open_engine` run in autocommit at the driver, and the
store's connection in SQLAlchemy's ``AUTOCOMMIT`` mode: a read outside a
write transaction takes no lock for longer than the statement, and a write
transaction is exactly what :func:`begin_write` opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, exc, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.dml import Insert

#: What a failed database call raises (the driver's own errors, and SQLAlchemy's wrapping of them).
ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, exc.SQLAlchemyError)

#: Default time a connection waits for a lock held by another connection.
BUSY_TIMEOUT_S = 5.0


def open_engine(path: str | Path, busy_timeout_s: float = BUSY_TIMEOUT_S, *,
                transactional: bool = False) -> Engine:
    """An engine on the SQLite file at ``path`` (created if missing).

    With ``transactional`` (used by migrations), SQLAlchemy's own transactions
    are real ones: ``connection.begin()`` emits ``BEGIN IMMEDIATE`` and commit
    commits. Without it, use the connection in ``AUTOCOMMIT`` and open write
    transactions with :func:`begin_write`.
    """

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=busy_timeout_s)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
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
    """Open a write transaction, taking the database's write lock now."""
    db.exec_driver_sql("BEGIN IMMEDIATE")


def commit(db: Connection) -> None:
    db.exec_driver_sql("COMMIT")


def rollback(db: Connection) -> None:
    db.exec_driver_sql("ROLLBACK")


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


def insert_ignore(table: Table, rows: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
                  ) -> Insert:
    """``INSERT`` that does nothing when a row with the same key exists (check ``rowcount``)."""
    stmt = sqlite_insert(table)
    if rows is not None:
        stmt = stmt.values(rows)
    return stmt.on_conflict_do_nothing()


def upsert(table: Table, values: Mapping[str, Any]) -> Insert:
    """Insert ``values``, or replace every other column of the row with the same primary key."""
    stmt = sqlite_insert(table).values(dict(values))
    keys = {c.name for c in table.primary_key.columns}
    return stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={name: stmt.excluded[name] for name in values if name not in keys},
    )


def head_seq(db: Connection, table: Table) -> int:
    """The largest key ever handed out by ``table``'s autoincrement (also after deletes), 0 for none."""
    row = db.execute(text("SELECT seq FROM sqlite_sequence WHERE name = :name"),
                     {"name": table.name}).first()
    return int(row[0]) if row else 0


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
