"""The studio group: the instances on the database, presence by instance, monitor history by instance.

Revision ID: 0005_studio_group
Revises: 0004_clients
Create Date: 2026-11-30

- ``server_instances``: one row per server instance (host, pid, port, started, last seen,
  stopped / gone, its latest monitor report);
- ``presence_entries``: who is online through which instance (the last announced presence);
- ``monitor_samples`` gains ``instance`` in its key: each instance keeps its own history.
  Rows already there were measured by the one server of a SQLite file, whose id is ``main``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from swan_desktop.server.storage.metadata import SECONDS

revision = "0005_studio_group"
down_revision: str | None = "0004_clients"
branch_labels: str | None = None
depends_on: str | None = None

TEXT, INT = sa.Text(), sa.Integer()


def _samples(name: str, with_instance: bool) -> None:
    columns: list[sa.Column[Any]] = [sa.Column("resolution", INT, primary_key=True, autoincrement=False)]
    if with_instance:
        columns.append(sa.Column("instance", TEXT, primary_key=True, server_default=sa.text("'main'")))
    columns += [sa.Column("t", INT, primary_key=True, autoincrement=False),
                sa.Column("data", TEXT, nullable=False)]
    op.create_table(name, *columns)


def upgrade() -> None:
    op.create_table(
        "server_instances",
        sa.Column("id", TEXT, primary_key=True),
        sa.Column("host", TEXT, nullable=False),
        sa.Column("pid", INT, nullable=False),
        sa.Column("port", INT, nullable=False),
        sa.Column("started_at", SECONDS, nullable=False),
        sa.Column("last_seen", SECONDS, nullable=False),
        sa.Column("stopped_at", SECONDS),
        sa.Column("gone_at", SECONDS),
        sa.Column("report", TEXT, nullable=False, server_default=sa.text("'{}'")),
    )
    op.create_table(
        "presence_entries",
        sa.Column("instance", TEXT, primary_key=True),
        sa.Column("user_id", INT, primary_key=True, autoincrement=False),
        sa.Column("data", TEXT, nullable=False),
    )
    _samples("monitor_samples_new", with_instance=True)
    op.execute("INSERT INTO monitor_samples_new (resolution, instance, t, data) "
               "SELECT resolution, 'main', t, data FROM monitor_samples")
    op.drop_table("monitor_samples")
    op.rename_table("monitor_samples_new", "monitor_samples")


def downgrade() -> None:
    _samples("monitor_samples_old", with_instance=False)
    op.execute("INSERT INTO monitor_samples_old (resolution, t, data) "
               "SELECT resolution, t, data FROM monitor_samples WHERE instance = 'main'")
    op.drop_table("monitor_samples")
    op.rename_table("monitor_samples_old", "monitor_samples")
    op.drop_table("presence_entries")
    op.drop_table("server_instances")
