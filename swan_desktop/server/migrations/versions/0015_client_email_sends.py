"""Each email sent to a client, when: the day's count a client may be sent.

Revision ID: 0015_client_email_sends
Revises: 0014_package_sale_voids
Create Date: 2026-12-01

``client_emails`` keeps one row per (session, client, kind), sent again when its session changes
again, so it cannot say how many emails a client was sent in a day. A desk taking a client off a
session and putting them back, over and over, sent one email each time, without bound. Rows
older than a day are dropped as new ones are written. Nothing before this counted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_client_email_sends"
down_revision: str | None = "0014_package_sale_voids"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "client_email_sends",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("client_email_sends_by_client", "client_email_sends", ["client_id", "sent_at"])
    op.create_index("client_email_sends_by_time", "client_email_sends", ["sent_at"])


def downgrade() -> None:
    op.drop_table("client_email_sends")
