"""SQLite schema and connection set-up (WAL, foreign keys) for the server store."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trainers (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    specialties TEXT NOT NULL DEFAULT '[]',
    color       TEXT NOT NULL DEFAULT '#607d8b'
);
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'trainer', 'viewer')),
    password_hash TEXT,
    trainer_id    INTEGER REFERENCES trainers(id) ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clients (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,
    credits INTEGER NOT NULL DEFAULT 0,
    source  TEXT NOT NULL DEFAULT 'swanstudios'
);
CREATE TABLE IF NOT EXISTS session_types (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    duration_min INTEGER NOT NULL DEFAULT 60,
    color        TEXT NOT NULL DEFAULT '#4f8fba',
    credits      INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS locations (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS sessions (
    id              INTEGER PRIMARY KEY,
    start           TEXT NOT NULL,
    "end"           TEXT NOT NULL,
    trainer_id      INTEGER NOT NULL REFERENCES trainers(id),
    client_id       INTEGER REFERENCES clients(id),
    client_name     TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    session_type_id INTEGER REFERENCES session_types(id),
    status          TEXT NOT NULL,
    notes           TEXT NOT NULL DEFAULT '',
    cancel_reason   TEXT NOT NULL DEFAULT '',
    series_id       INTEGER,
    attendance      TEXT,
    checked_in_at   TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_at      TEXT,
    updated_by      INTEGER
);
CREATE INDEX IF NOT EXISTS sessions_by_start ON sessions(start);
CREATE INDEX IF NOT EXISTS sessions_by_trainer ON sessions(trainer_id, start);
CREATE TABLE IF NOT EXISTS events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT NOT NULL,
    ts       TEXT NOT NULL,
    actor    TEXT,
    data     TEXT NOT NULL,
    audience TEXT
);
CREATE TABLE IF NOT EXISTS request_log (
    user_id    INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    reply      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, request_id)
);
CREATE INDEX IF NOT EXISTS request_log_by_age ON request_log(created_at);
"""


#: Session columns added after the first release: (name, SQL type), added to older files on open.
LATER_SESSION_COLUMNS = (("series_id", "INTEGER"), ("attendance", "TEXT"), ("checked_in_at", "TEXT"))


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    have = {row["name"] for row in conn.execute("PRAGMA table_info(sessions)")}
    for name, kind in LATER_SESSION_COLUMNS:
        if name not in have:
            conn.execute(f"ALTER TABLE sessions ADD COLUMN {name} {kind}")


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` with the schema in place.

    The connection is in autocommit mode; callers open transactions explicitly
    with ``BEGIN IMMEDIATE`` so a mutation and its events commit together.
    """
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=FULL")  # a committed change survives a power cut too
    conn.execute("PRAGMA busy_timeout=5000")
    conn.executescript(SCHEMA)
    _add_missing_columns(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('epoch', ?)", (secrets.token_hex(8),))
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('pruned_through', '0')")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return conn
