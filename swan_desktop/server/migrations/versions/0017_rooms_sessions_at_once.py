"""How many sessions a room holds at the same time.

Revision ID: 0017_rooms_sessions_at_once
Revises: 0016_package_sale_refunds
Create Date: 2026-12-01

Two sessions in one room at the same time were always a clash, so a gym floor that several
trainers share could be booked for one of them at a time unless an admin booked over the clash
each time. ``locations.sessions_at_once`` (default 1: every room keeps the rule it had) is how
many sessions run in the room at one moment before a booking clashes. A room's ``capacity``
(people) is unchanged and still only said.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_rooms_sessions_at_once"
down_revision: str | None = "0016_package_sale_refunds"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.add_column(sa.Column("sessions_at_once", sa.Integer(), nullable=False,
                                   server_default=sa.text("1")))


def downgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.drop_column("sessions_at_once")
