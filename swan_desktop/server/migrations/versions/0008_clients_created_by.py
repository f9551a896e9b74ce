"""Who added each client, for the trainers' daily allowance.

Revision ID: 0008_clients_created_by
Revises: 0007_session_cancellations
Create Date: 2026-11-30

A trainer may add clients, and every client rides in ``directory.query`` to every desktop at
sign-in: an account adding clients in a loop would make every sign-in slower by the day.
``client.create`` now counts what the account added in the last 24 hours (see
``server/clients/records.py``); this column and its index make that one indexed count. Clients
added before it have no author and count for nobody.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_clients_created_by"
down_revision: str | None = "0007_session_cancellations"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("clients", sa.Column("created_by", sa.Integer(), nullable=True))
    op.create_index("clients_by_creator", "clients", ["created_by", "created_at"])


def downgrade() -> None:
    op.drop_index("clients_by_creator", table_name="clients")
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("created_by")
