"""A package sale refunded: the credits it still held taken back, the money given back, when and why.

Revision ID: 0016_package_sale_refunds
Revises: 0015_client_email_sends
Create Date: 2026-12-01

A client who leaves mid-package is given back the unused part. Until now the credits could only
be taken back by an adjustment, and the money given back appeared nowhere: the revenue report
kept the whole price. ``package.refund`` writes these columns and a ``returned`` ledger entry;
the revenue report counts ``refund_cents`` in the period of the refund. No sale was refunded
before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_package_sale_refunds"
down_revision: str | None = "0015_client_email_sends"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    zero, empty = sa.text("0"), sa.text("''")
    with op.batch_alter_table("package_sales") as batch:
        batch.add_column(sa.Column("refunded_at", sa.Text(), nullable=True))
        batch.add_column(sa.Column("refunded_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("refund_credits", sa.Integer(), nullable=False, server_default=zero))
        batch.add_column(sa.Column("refund_cents", sa.Integer(), nullable=False, server_default=zero))
        batch.add_column(sa.Column("refund_reason", sa.Text(), nullable=False, server_default=empty))


def downgrade() -> None:
    with op.batch_alter_table("package_sales") as batch:
        for column in ("refund_reason", "refund_cents", "refund_credits", "refunded_by", "refunded_at"):
            batch.drop_column(column)
