"""Opening the server database: the schema upgraded to this release, then one connection for the store."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import Connection, Engine

from .storage import dialect, migrate
from .tables import meta


def connect(path: str | Path) -> tuple[Engine, Connection]:
    """Open (creating if needed) the database at ``path`` with the schema in place.

    An older file is upgraded first (after a backup beside it, see
    :mod:`.storage.migrate`); one from a newer release raises
    :class:`~.storage.migrate.SchemaError`. The connection runs each statement
    on its own; write transactions are opened with
    :func:`.storage.dialect.begin_write`, so a mutation and its events commit together.
    """
    migrate.upgrade(path)
    engine = dialect.open_engine(path)  # a file's path, or a postgresql:// URL
    conn = dialect.autocommit(engine.connect())
    try:
        with dialect.write_transaction(conn):
            conn.execute(dialect.insert_ignore(meta), [{"key": "epoch", "value": secrets.token_hex(8)},
                                                       {"key": "pruned_through", "value": "0"}])
    except BaseException:
        conn.close()
        engine.dispose()
        raise
    return engine, conn


def connect_reading(path: str | Path) -> tuple[Engine, Connection]:
    """A connection that only reads the database at ``path`` (already made and migrated by the
    server's writing connection): each statement on its own, seeing what is committed."""
    engine = dialect.open_engine(path, read_only=True)
    try:
        return engine, dialect.autocommit(engine.connect())
    except BaseException:
        engine.dispose()
        raise
