"""A package sale voided: when, by whom and why.

Revision ID: 0014_package_sale_voids
Revises: 0013_session_prices
Create Date: 2026-12-01

A sale made by mistake (the wrong client, the wrong package) could only be offset by a credit
adjustment: the sale stayed in the revenue report and on the client's card. ``package.void``
marks it (``voided_at``, ``voided_by``, ``void_reason``) and takes its credits back with a
``void`` ledger entry; reports leave voided sales out. No sale was voided before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_package_sale_voids"
down_revision: str | None = "0013_session_prices"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("package_sales") as batch:
        batch.add_column(sa.Column("voided_at", sa.Text(), nullable=True))
        batch.add_column(sa.Column("voided_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("void_reason", sa.Text(), nullable=False, server_default=sa.text("''")))


def downgrade() -> None:
    with op.batch_alter_table("package_sales") as batch:
        batch.drop_column("void_reason")
        batch.drop_column("voided_by")
        batch.drop_column("voided_at")
