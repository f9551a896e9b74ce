"""When a client was erased (``client.erase``).

Revision ID: 0011_clients_erased_at
Revises: 0010_search_words_indexes
Create Date: 2026-11-30

A client erased on request keeps their row, under "Erased client #ID" with every personal field
emptied, so the studio's sessions, credits and sales still add up; this column says when, and
that nothing may change the record again (see ``server/clients/erasure.py``). Clients before it
were never erased.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_clients_erased_at"
down_revision: str | None = "0010_search_words_indexes"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("clients", sa.Column("erased_at", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("erased_at")
