"""Drop the ``meta.schema`` row: the schema's version is ``alembic_version`` now.

Revision ID: 0002_meta_schema_row
Revises: 0001_baseline
Create Date: 2026-11-30

Releases before migrations were tracked wrote ``meta.schema = 1`` and never
read it; left in place it would only mislead whoever looks into the file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_meta_schema_row"
down_revision: str | None = "0001_baseline"
branch_labels: str | None = None
depends_on: str | None = None

meta = sa.table("meta", sa.column("key", sa.Text()), sa.column("value", sa.Text()))


def upgrade() -> None:
    op.execute(meta.delete().where(meta.c.key == "schema"))


def downgrade() -> None:
    op.execute(meta.insert().values(key="schema", value="1"))
