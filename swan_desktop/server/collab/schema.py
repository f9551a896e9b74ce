"""The collaboration tables (created if missing when the server starts) and small row helpers."""

from __future__ import annotations

import sqlite3

from ..store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS collab_counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS studio_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS session_locks (
    session_id INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    user_name  TEXT NOT NULL,
    token      INTEGER NOT NULL,
    expires_at REAL NOT NULL,
    released   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS session_versions (
    session_id INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    fields     TEXT NOT NULL,
    user_id    INTEGER,
    ts         TEXT NOT NULL,
    PRIMARY KEY (session_id, version)
);
CREATE TABLE IF NOT EXISTS chat_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    room        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    author_id   INTEGER,
    author_name TEXT NOT NULL,
    text        TEXT NOT NULL,
    mentions    TEXT NOT NULL DEFAULT '[]',
    reactions   TEXT NOT NULL DEFAULT '{}',
    session_id  INTEGER,
    created_at  TEXT NOT NULL,
    edited_at   TEXT,
    deleted     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chat_by_room ON chat_messages(room, id);
CREATE TABLE IF NOT EXISTS activity (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ts         TEXT NOT NULL,
    actor_id   INTEGER,
    actor_name TEXT NOT NULL,
    kind       TEXT NOT NULL,
    session_id INTEGER,
    trainer_id INTEGER,
    summary    TEXT NOT NULL,
    changes    TEXT NOT NULL DEFAULT '[]',
    day        TEXT
);
"""


def conn(store: Store) -> sqlite3.Connection:
    """The store's connection (collaboration tables live in the same database and transactions)."""
    return store._conn  # same database, same single writer thread


def apply(store: Store) -> None:
    conn(store).executescript(SCHEMA)


def next_counter(store: Store, name: str) -> int:
    """The next value of a monotonic counter (call inside a transaction)."""
    c = conn(store)
    c.execute("INSERT OR IGNORE INTO collab_counters(name, value) VALUES (?, 0)", (name,))
    c.execute("UPDATE collab_counters SET value = value + 1 WHERE name = ?", (name,))
    return int(c.execute("SELECT value FROM collab_counters WHERE name = ?", (name,)).fetchone()[0])
