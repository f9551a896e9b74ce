"""The calendar's tables (created if missing when the server starts)."""

from __future__ import annotations

from ..collab.schema import conn
from ..store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS calendar_series (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    rrule       TEXT NOT NULL,
    tz          TEXT NOT NULL,
    created_by  INTEGER,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS series_members (
    series_id      INTEGER NOT NULL,
    session_id     INTEGER NOT NULL,
    original_start TEXT NOT NULL,
    exception      TEXT,
    PRIMARY KEY (series_id, session_id)
);
CREATE INDEX IF NOT EXISTS series_members_by_session ON series_members(session_id);
CREATE TABLE IF NOT EXISTS trainer_hours (
    trainer_id INTEGER NOT NULL,
    weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start      TEXT NOT NULL,
    "end"      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trainer_hours_by_trainer ON trainer_hours(trainer_id);
CREATE TABLE IF NOT EXISTS credit_charges (
    session_id  INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL,
    credits     INTEGER NOT NULL,
    charged_at  TEXT NOT NULL,
    restored_at TEXT
);
CREATE TABLE IF NOT EXISTS ics_feeds (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    trainer_id  INTEGER NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_by  INTEGER,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
"""


def apply(store: Store) -> None:
    conn(store).executescript(SCHEMA)
