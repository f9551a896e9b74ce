"""The PostgreSQL side of the storage seam: everything that knows the database is PostgreSQL.

:mod:`.dialect` dispatches here when the database is a ``postgresql://`` URL
(psycopg 3 under SQLAlchemy). What differs from SQLite:

- **Write transactions** are ``BEGIN`` plus ``pg_advisory_xact_lock(WRITE_LOCK)``:
  one writer at a time across every server instance on the database, held until
  commit — the same guarantee SQLite's ``BEGIN IMMEDIATE`` gives one file. The
  request pipeline's read-check-write (stale versions, clashes over other
  sessions) stays correct under READ COMMITTED, and event ``seq`` numbers,
  assigned under the lock as ``max(seq) + 1``, are in commit order with no gaps.
- **Event wake-up**: a transaction that wrote events sends ``NOTIFY
  swan_events`` (delivered at commit); every instance LISTENs and then reads the
  events table, which stays the truth.
- **Account watch**: a digest of the users table stands in for SQLite's
  ``PRAGMA data_version``.
- **Migrations** take ``pg_advisory_xact_lock(MIGRATE_LOCK)`` so instances
  starting together upgrade once; PostgreSQL's DDL is transactional.

The password of a URL is never logged: :func:`display` hides it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

#: Advisory lock keys (arbitrary constants, "swan" in ASCII plus a suffix).
WRITE_LOCK = 0x7377_616E_0001
MIGRATE_LOCK = 0x7377_616E_0002
#: The channel a commit with events notifies.
CHANNEL = "swan_events"

SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(SCHEMES)


def sqlalchemy_url(url: str) -> str:
    """``url`` with the psycopg 3 driver named (``postgresql+psycopg://``)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def libpq_url(url: str) -> str:
    """``url`` as libpq takes it (``postgresql://``, for psycopg.connect and pg_dump)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def display(url: str) -> str:
    """``url`` fit for a log line: the password, if any, replaced by ``***``."""
    try:
        return make_url(sqlalchemy_url(url)).set(drivername="postgresql").render_as_string(hide_password=True)
    except (ValueError, TypeError, ArgumentError):  # unparseable: say nothing of it but the scheme
        return url.split("://", 1)[0] + "://…"


def open_engine(url: str, *, transactional: bool = False, read_only: bool = False,
                connect_timeout_s: float = 5.0) -> Engine:
    """An engine on the database at ``url``; the password comes from the URL or ``~/.pgpass`` (libpq)."""
    args: dict[str, Any] = {"connect_timeout": max(1, int(connect_timeout_s)),
                            "application_name": "swan-server"}
    if read_only:
        args["options"] = "-c default_transaction_read_only=on"
    engine = create_engine(sqlalchemy_url(url), poolclass=NullPool, connect_args=args)
    if transactional:
        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATE_LOCK})")
    return engine


def servers_connected(url: str) -> int:
    """How many connections of ``swan-server`` (its ``application_name``) other than this one are
    open on the database at ``url``: a running instance holds several (its writer, its readers, its
    LISTEN for events)."""
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'swan-server' AND pid <> pg_backend_pid()").scalar()
    finally:
        engine.dispose()
    return int(found or 0)


def begin_write(driver: Any) -> None:
    driver.execute("BEGIN")
    driver.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def next_seq(driver: Any) -> int:
    """The first free event ``seq`` (call holding the write lock, so nobody else takes it)."""
    row = driver.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()
    pruned = driver.execute("SELECT value FROM meta WHERE key = 'pruned_through'").fetchone()
    return max(int(row[0]), int(pruned[0]) if pruned else 0) + 1


def notify(driver: Any, seq: int) -> None:
    """Wake every instance listening: events through ``seq`` are committed (sent at commit)."""
    driver.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(seq)))


def head_seq(driver: Any) -> int:
    row = driver.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()
    return int(row[0])


def users_version(driver: Any) -> int:
    """A number that changes whenever a users row does (a digest of the table)."""
    row = driver.execute(
        "SELECT md5(coalesce(string_agg(u::text, ',' ORDER BY u.id), '')) FROM users u").fetchone()
    return int(str(row[0])[:15], 16)


def broken(driver: Any) -> bool:
    """Whether the connection is lost (the server restarted, the network dropped)."""
    return bool(getattr(driver, "broken", False) or getattr(driver, "closed", False))
