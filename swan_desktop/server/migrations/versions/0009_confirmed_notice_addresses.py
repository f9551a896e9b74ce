"""Notices are emailed only to a confirmed address.

Revision ID: 0009_confirmed_notice_addresses
Revises: 0008_clients_created_by
Create Date: 2026-11-30

Any account could set the address its notices are emailed to, so a typo, or an address that
was not the account's, received the studio's notices. A new address now waits in
``pending_email`` while a code is emailed to it (``server/notifications/prefs.py``). Addresses
set before this revision stay as they are: their owners have been receiving at them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_confirmed_notice_addresses"
down_revision: str | None = "0008_clients_created_by"
branch_labels: str | None = None
depends_on: str | None = None

_COLUMNS = ("pending_email", "code_hash", "code_expires", "code_tries", "codes_sent", "codes_since")


def upgrade() -> None:
    with op.batch_alter_table("notification_prefs") as batch:
        batch.add_column(sa.Column("pending_email", sa.Text(), nullable=False, server_default=sa.text("''")))
        batch.add_column(sa.Column("code_hash", sa.Text(), nullable=False, server_default=sa.text("''")))
        batch.add_column(sa.Column("code_expires", sa.Text(), nullable=True))
        batch.add_column(sa.Column("code_tries", sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("codes_sent", sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("codes_since", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notification_prefs") as batch:
        for name in _COLUMNS:
            batch.drop_column(name)
