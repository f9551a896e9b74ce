"""SQLite: a deleted session's id is never given to a new session.

Revision ID: 0012_session_ids_never_reused
Revises: 0011_clients_erased_at
Create Date: 2026-12-01

``sessions`` had no AUTOINCREMENT on SQLite, so SQLite gave a new session the highest id there
was plus one: delete the newest session and the next one created took its id. Everything that
names a session by id then named the new one: its credit ledger rows (the new session, completed,
was charged nothing, its ``completion`` row being there already), its emails (one per session,
client and kind: the new booking's confirmation was never queued), its kept versions, activity,
chat, notifications' links.

The table is rebuilt with AUTOINCREMENT (every row, index and foreign key as it was; the session
search index's triggers go with the old table, so the index is made again after), and
``sqlite_sequence`` is set to the highest session id anything still names: the sessions, every
``session_id`` column of every table, the notifications' links and the events' data. Ids go on
above it.

PostgreSQL: nothing to do. ``sessions.id`` is a sequence's (``SERIAL``), and a sequence never
hands out a value twice, deletes or not.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection

from swan_desktop.server.storage import dialect
from swan_desktop.server.storage.schema import SEARCH_INDEX

revision = "0012_session_ids_never_reused"
down_revision: str | None = "0011_clients_erased_at"
branch_labels: str | None = None
depends_on: str | None = None

#: Where JSON names a session: (table, JSON column, path, which rows).
_JSON_REFERENCES = (
    ("notifications", "links", "$.session", "1"),
    ("events", "data", "$.session.id", "kind LIKE 'session:%'"),
    ("events", "data", "$.id", "kind = 'session:deleted'"),
    ("events", "data", "$.session_id", "1"),
)


def upgrade() -> None:
    db = op.get_bind()
    if dialect.is_postgres(db):
        return
    _rebuild(db, autoincrement=True)
    top = highest_session_id(db)
    db.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = 'sessions' AND seq < ?", (top, top))
    db.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) SELECT 'sessions', ? WHERE NOT EXISTS "
                       "(SELECT 1 FROM sqlite_sequence WHERE name = 'sessions')", (top,))


def _rebuild(db: Connection, *, autoincrement: bool) -> None:
    """``sessions`` copied into a new table (with or without AUTOINCREMENT): every row, column,
    index and foreign key as they were. The search index's triggers go with the old table, so the
    index is made again (architecture.md, "The session search index")."""
    dialect.drop_text_index(db, SEARCH_INDEX)
    with op.batch_alter_table("sessions", recreate="always",
                              table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass
    dialect.create_text_index(db, SEARCH_INDEX, "sessions", "id", ("client_name", "notes"))


def highest_session_id(db: Connection) -> int:
    """The highest session id the database names anywhere (0 for none)."""
    tables = [name for (name,) in db.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    queries = ["SELECT max(id) FROM sessions"]
    for name in tables:
        columns = {row[1] for row in db.exec_driver_sql(f'PRAGMA table_info("{name}")')}
        if "session_id" in columns:
            queries.append(f'SELECT max(session_id) FROM "{name}"')
    for name, column, path, where in _JSON_REFERENCES:
        if name in tables:
            queries.append(f"SELECT max(json_extract({column}, '{path}')) FROM {name} WHERE {where} "
                           f"AND json_valid({column}) AND json_type({column}, '{path}') = 'integer'")
    found = [db.exec_driver_sql(sql).scalar() for sql in queries]
    return max((int(value) for value in found if value is not None), default=0)


def downgrade() -> None:
    db = op.get_bind()
    if dialect.is_postgres(db):
        return
    _rebuild(db, autoincrement=False)
    db.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = 'sessions'")
