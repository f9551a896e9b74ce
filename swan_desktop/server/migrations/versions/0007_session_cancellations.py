"""When each session was cancelled, and whether that was late.

Revision ID: 0007_session_cancellations
Revises: 0006_live_locks_index
Create Date: 2026-11-30

Reports and a client's card judged a cancellation late by the session's last change against
today's window, so a note added to a cancelled session later, or a wider window, turned timely
cancellations into late ones. ``session_cancellations`` keeps what it was when it was made.
Sessions already cancelled are judged once, here, as they were judged until now (their last
change against the window of the day of the upgrade), and then kept so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0007_session_cancellations"
down_revision: str | None = "0006_live_locks_index"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "session_cancellations",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  primary_key=True, autoincrement=False),
        sa.Column("cancelled_at", sa.Text(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
    )


    _judge_those_already_cancelled()


def _judge_those_already_cancelled() -> None:
    bind = op.get_bind()
    hours = bind.execute(sa.text(
        "SELECT value FROM studio_settings WHERE key = 'cancellation_window_h'")).scalar()
    window = timedelta(hours=float(hours or 24))
    rows = bind.execute(sa.text(
        "SELECT id, start, updated_at FROM sessions WHERE status = 'cancelled'")).all()
    kept = [{"session_id": sid, "cancelled_at": changed or start,
             "late": int(_at(changed or start) > _at(start) - window)} for sid, start, changed in rows]
    table = sa.table("session_cancellations", sa.column("session_id"), sa.column("cancelled_at"),
                     sa.column("late"))
    for first in range(0, len(kept), 5000):
        op.bulk_insert(table, kept[first:first + 5000])


def _at(text: str) -> datetime:
    """A stored UTC time (``2031-03-03T10:00:00Z``, or with fractions or an offset)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def downgrade() -> None:
    op.drop_table("session_cancellations")
