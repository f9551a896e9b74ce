"""Studio administration: archiving, room capacity, active accounts, trainer time off.

Revision ID: 0003_studio_admin
Revises: 0002_meta_schema_row
Create Date: 2026-11-30

- ``trainers.active``, ``session_types.active``, ``locations.active``: archived
  (0) ones keep their history; every existing row stays active (1).
- ``locations.capacity``: how many clients a room holds (1 for existing rooms).
- ``users.active``: a deactivated account cannot sign in (existing accounts stay active).
- ``time_off``: a trainer's blocked days (inclusive local dates in the studio's zone).

The link between a staff account and a trainer stays ``users.trainer_id`` (one
direction only); a trainer's ``user_id`` on the wire is read from it.
The studio's profile (name, opening hours, whether setup is complete) is kept
in ``studio_settings`` key/values, so it needs no schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_studio_admin"
down_revision: str | None = "0002_meta_schema_row"
branch_labels: str | None = None
depends_on: str | None = None

TEXT, INT = sa.Text(), sa.Integer()
#: (table, column, default) added by this revision.
COLUMNS = (
    ("trainers", "active", "1"),
    ("session_types", "active", "1"),
    ("locations", "active", "1"),
    ("locations", "capacity", "1"),
    ("users", "active", "1"),
)


def upgrade() -> None:
    for table, column, default in COLUMNS:
        op.add_column(table, sa.Column(column, INT, nullable=False, server_default=sa.text(default)))
    op.create_table(
        "time_off",
        sa.Column("id", INT, primary_key=True),
        sa.Column("trainer_id", INT, sa.ForeignKey("trainers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", TEXT, nullable=False),
        sa.Column("end", TEXT, nullable=False),
        sa.Column("reason", TEXT, nullable=False, server_default=sa.text("''")),
        sa.Column("created_by", INT),
        sa.Column("created_at", TEXT, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("time_off_by_trainer", "time_off", ["trainer_id", "start"])


def downgrade() -> None:
    op.drop_index("time_off_by_trainer", "time_off")
    op.drop_table("time_off")
    for table, column, _ in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
