"""PostgreSQL: indexes of the words client and session searches match.

Revision ID: 0010_search_words_indexes
Revises: 0009_confirmed_notice_addresses
Create Date: 2026-11-30

On PostgreSQL the search "index" of revision 0004 is a view matched with the database's own
full-text search, and nothing indexed its words: every ``client.search`` read every client and
every session (0.2–1.3 s at 20,000 clients and 500,000 sessions, on the store's one worker, so
every PC's changes waited). A GIN index over the very expression the search matches serves it.
SQLite's FTS5 tables are their own index: nothing changes there.
"""

from __future__ import annotations

from alembic import op

from swan_desktop.server.storage import dialect
from swan_desktop.server.storage.schema import CLIENT_INDEX, SEARCH_INDEX

revision = "0010_search_words_indexes"
down_revision: str | None = "0009_confirmed_notice_addresses"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    dialect.create_words_index(op.get_bind(), SEARCH_INDEX, "sessions", ("client_name", "notes"))
    dialect.create_words_index(op.get_bind(), CLIENT_INDEX, "clients", ("search_text",))


def downgrade() -> None:
    dialect.drop_words_index(op.get_bind(), CLIENT_INDEX)
    dialect.drop_words_index(op.get_bind(), SEARCH_INDEX)
