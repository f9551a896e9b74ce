"""Connection set-up for the server store: the schema upgraded to this release, WAL, foreign keys."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from .storage import migrate


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` with the schema in place.

    An older file is upgraded first (after a backup beside it, see
    :mod:`.storage.migrate`); one from a newer release raises
    :class:`~.storage.migrate.SchemaError`.

    The connection is in autocommit mode; callers open transactions explicitly
    with ``BEGIN IMMEDIATE`` so a mutation and its events commit together.
    """
    migrate.upgrade(path)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('epoch', ?)", (secrets.token_hex(8),))
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('pruned_through', '0')")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return conn
