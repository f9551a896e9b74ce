"""What each booked session costs, fixed when it is booked.

Revision ID: 0013_session_prices
Revises: 0012_session_ids_never_reused
Create Date: 2026-12-01

A completed session spent its session type's credits as the type had them at the completion, so
raising a type from 1 credit to 3 charged 3 for every session booked before at 1, though the
studio's own words (and docs/protocol.md) say a type's change applies to new bookings.
``session_prices`` keeps each session's price from its booking. Sessions still to be completed
(not completed, not cancelled) get their type's price of the day of the upgrade; the others have
taken or given back their credits already.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_session_prices"
down_revision: str | None = "0012_session_ids_never_reused"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "session_prices",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  primary_key=True, autoincrement=False),
        sa.Column("credits", sa.Integer(), nullable=False),
    )
    op.execute(
        "INSERT INTO session_prices (session_id, credits) "
        "SELECT sessions.id, session_types.credits FROM sessions "
        "JOIN session_types ON session_types.id = sessions.session_type_id "
        "WHERE sessions.status NOT IN ('completed', 'cancelled')")


def downgrade() -> None:
    op.drop_table("session_prices")
