"""Baseline: the complete schema of the last release before migrations were tracked (0.1, 0db70c9).

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-30

Every table is created only when missing, so the same step also adopts a
database file made by that release (its tables are there, ``alembic_version``
is not) and one made by an even older release: the session columns added
after the first release are added when they are missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_baseline"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

TEXT, INT = sa.Text(), sa.Integer()
#: Epoch seconds: REAL on SQLite, DOUBLE PRECISION on PostgreSQL (whose REAL has 4 bytes).
SECONDS: sa.types.TypeEngine[float] = sa.REAL().with_variant(postgresql.DOUBLE_PRECISION(), "postgresql")


def _default(sql: str) -> sa.TextClause:
    return sa.text(sql)


def _core() -> None:
    op.create_table(
        "meta",
        sa.Column("key", TEXT, primary_key=True),
        sa.Column("value", TEXT, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "trainers",
        sa.Column("id", INT, primary_key=True),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("specialties", TEXT, nullable=False, server_default=_default("'[]'")),
        sa.Column("color", TEXT, nullable=False, server_default=_default("'#607d8b'")),
        if_not_exists=True,
    )
    op.create_table(
        "users",
        sa.Column("id", INT, primary_key=True),
        sa.Column("username", TEXT, nullable=False, unique=True),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("role", TEXT, sa.CheckConstraint("role IN ('admin', 'trainer', 'viewer')"), nullable=False),
        sa.Column("password_hash", TEXT),
        sa.Column("trainer_id", INT, sa.ForeignKey("trainers.id", ondelete="SET NULL")),
        if_not_exists=True,
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", TEXT, primary_key=True),
        sa.Column("user_id", INT, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("expires_at", TEXT, nullable=False),
        sa.Column("created_at", TEXT, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "clients",
        sa.Column("id", INT, primary_key=True),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("credits", INT, nullable=False, server_default=_default("0")),
        sa.Column("source", TEXT, nullable=False, server_default=_default("'swanstudios'")),
        if_not_exists=True,
    )
    op.create_table(
        "session_types",
        sa.Column("id", INT, primary_key=True),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("duration_min", INT, nullable=False, server_default=_default("60")),
        sa.Column("color", TEXT, nullable=False, server_default=_default("'#4f8fba'")),
        sa.Column("credits", INT, nullable=False, server_default=_default("1")),
        if_not_exists=True,
    )
    op.create_table(
        "locations",
        sa.Column("id", INT, primary_key=True),
        sa.Column("name", TEXT, nullable=False, unique=True),
        if_not_exists=True,
    )
    op.create_table(
        "sessions",
        sa.Column("id", INT, primary_key=True),
        sa.Column("start", TEXT, nullable=False),
        sa.Column("end", TEXT, nullable=False),
        sa.Column("trainer_id", INT, sa.ForeignKey("trainers.id"), nullable=False),
        sa.Column("client_id", INT, sa.ForeignKey("clients.id")),
        sa.Column("client_name", TEXT, nullable=False, server_default=_default("''")),
        sa.Column("location", TEXT, nullable=False, server_default=_default("''")),
        sa.Column("session_type_id", INT, sa.ForeignKey("session_types.id")),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("notes", TEXT, nullable=False, server_default=_default("''")),
        sa.Column("cancel_reason", TEXT, nullable=False, server_default=_default("''")),
        *_later_session_columns(),
        sa.Column("version", INT, nullable=False, server_default=_default("1")),
        sa.Column("updated_at", TEXT),
        sa.Column("updated_by", INT),
        if_not_exists=True,
    )
    _add_missing("sessions", _later_session_columns())
    op.create_index("sessions_by_start", "sessions", ["start"], if_not_exists=True)
    op.create_index("sessions_by_trainer", "sessions", ["trainer_id", "start"], if_not_exists=True)
    op.create_table(
        "events",
        sa.Column("seq", INT, primary_key=True),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("ts", TEXT, nullable=False),
        sa.Column("actor", TEXT),
        sa.Column("data", TEXT, nullable=False),
        sa.Column("audience", TEXT),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_table(
        "request_log",
        sa.Column("user_id", INT, primary_key=True, autoincrement=False),
        sa.Column("request_id", TEXT, primary_key=True),
        sa.Column("reply", TEXT, nullable=False),
        sa.Column("created_at", TEXT, nullable=False),
        if_not_exists=True,
    )
    op.create_index("request_log_by_age", "request_log", ["created_at"], if_not_exists=True)


def _later_session_columns() -> list[sa.Column[object]]:
    """Session columns added after the first release (older files lack them)."""
    return [sa.Column("series_id", INT), sa.Column("attendance", TEXT), sa.Column("checked_in_at", TEXT)]


def _add_missing(table: str, columns: list[sa.Column[object]]) -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}
    for column in columns:
        if column.name not in have:
            op.add_column(table, column)


def _collab() -> None:
    op.create_table(
        "collab_counters",
        sa.Column("name", TEXT, primary_key=True),
        sa.Column("value", INT, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "studio_settings",
        sa.Column("key", TEXT, primary_key=True),
        sa.Column("value", TEXT, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "session_locks",
        sa.Column("session_id", INT, primary_key=True),
        sa.Column("user_id", INT, nullable=False),
        sa.Column("user_name", TEXT, nullable=False),
        sa.Column("token", INT, nullable=False),
        sa.Column("expires_at", SECONDS, nullable=False),
        sa.Column("released", INT, nullable=False, server_default=_default("0")),
        if_not_exists=True,
    )
    op.create_table(
        "session_versions",
        sa.Column("session_id", INT, primary_key=True, autoincrement=False),
        sa.Column("version", INT, primary_key=True, autoincrement=False),
        sa.Column("fields", TEXT, nullable=False),
        sa.Column("user_id", INT),
        sa.Column("ts", TEXT, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "chat_messages",
        sa.Column("id", INT, primary_key=True),
        sa.Column("room", TEXT, nullable=False),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("author_id", INT),
        sa.Column("author_name", TEXT, nullable=False),
        sa.Column("text", TEXT, nullable=False),
        sa.Column("mentions", TEXT, nullable=False, server_default=_default("'[]'")),
        sa.Column("reactions", TEXT, nullable=False, server_default=_default("'{}'")),
        sa.Column("session_id", INT),
        sa.Column("created_at", TEXT, nullable=False),
        sa.Column("edited_at", TEXT),
        sa.Column("deleted", INT, nullable=False, server_default=_default("0")),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_index("chat_by_room", "chat_messages", ["room", "id"], if_not_exists=True)
    op.create_table(
        "activity",
        sa.Column("id", INT, primary_key=True),
        sa.Column("ts", TEXT, nullable=False),
        sa.Column("actor_id", INT),
        sa.Column("actor_name", TEXT, nullable=False),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("session_id", INT),
        sa.Column("trainer_id", INT),
        sa.Column("summary", TEXT, nullable=False),
        sa.Column("changes", TEXT, nullable=False, server_default=_default("'[]'")),
        sa.Column("day", TEXT),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )


def _calendar() -> None:
    op.create_table(
        "calendar_series",
        sa.Column("id", INT, primary_key=True),
        sa.Column("rrule", TEXT, nullable=False),
        sa.Column("tz", TEXT, nullable=False),
        sa.Column("created_by", INT),
        sa.Column("created_at", TEXT, nullable=False),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )
    op.create_table(
        "series_members",
        sa.Column("series_id", INT, primary_key=True, autoincrement=False),
        sa.Column("session_id", INT, primary_key=True, autoincrement=False),
        sa.Column("original_start", TEXT, nullable=False),
        sa.Column("exception", TEXT),
        if_not_exists=True,
    )
    op.create_index("series_members_by_session", "series_members", ["session_id"], if_not_exists=True)
    op.create_table(
        "trainer_hours",
        sa.Column("trainer_id", INT, nullable=False),
        sa.Column("weekday", INT, sa.CheckConstraint("weekday BETWEEN 0 AND 6"), nullable=False),
        sa.Column("start", TEXT, nullable=False),
        sa.Column("end", TEXT, nullable=False),
        if_not_exists=True,
    )
    op.create_index("trainer_hours_by_trainer", "trainer_hours", ["trainer_id"], if_not_exists=True)
    op.create_table(
        "credit_charges",
        sa.Column("session_id", INT, primary_key=True, autoincrement=False),
        sa.Column("client_id", INT, nullable=False),
        sa.Column("credits", INT, nullable=False),
        sa.Column("charged_at", TEXT, nullable=False),
        sa.Column("restored_at", TEXT),
        if_not_exists=True,
    )
    op.create_table(
        "ics_feeds",
        sa.Column("id", INT, primary_key=True),
        sa.Column("trainer_id", INT, nullable=False),
        sa.Column("token_hash", TEXT, nullable=False, unique=True),
        sa.Column("created_by", INT),
        sa.Column("created_at", TEXT, nullable=False),
        sa.Column("revoked_at", TEXT),
        sqlite_autoincrement=True,
        if_not_exists=True,
    )


def _notifications() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", INT, primary_key=True),
        sa.Column("title", TEXT, nullable=False),
        sa.Column("message", TEXT, nullable=False),
        sa.Column("category", TEXT, nullable=False),
        sa.Column("priority", TEXT, nullable=False),
        sa.Column("source", TEXT, nullable=False),
        sa.Column("links", TEXT, nullable=False, server_default=_default("'{}'")),
        sa.Column("actions", TEXT, nullable=False, server_default=_default("'[]'")),
        sa.Column("created_at", TEXT, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "notification_recipients",
        sa.Column("notification_id", INT, sa.ForeignKey("notifications.id", ondelete="CASCADE"),
                  primary_key=True, autoincrement=False),
        sa.Column("user_id", INT, primary_key=True, autoincrement=False),
        sa.Column("read_at", TEXT),
        sa.Column("acknowledged_at", TEXT),
        sa.Column("dismissed_at", TEXT),
        if_not_exists=True,
    )
    op.create_index("notification_recipients_by_user", "notification_recipients",
                    ["user_id", "notification_id"], if_not_exists=True)
    op.create_table(
        "notification_deliveries",
        sa.Column("notification_id", INT, primary_key=True, autoincrement=False),
        sa.Column("user_id", INT, primary_key=True, autoincrement=False),
        sa.Column("channel", TEXT, primary_key=True),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("attempts", INT, nullable=False, server_default=_default("0")),
        sa.Column("detail", TEXT, nullable=False, server_default=_default("''")),
        sa.Column("updated_at", TEXT, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "notification_prefs",
        sa.Column("user_id", INT, primary_key=True, autoincrement=False),
        sa.Column("email", TEXT, nullable=False, server_default=_default("''")),
        sa.Column("email_opt_in", INT, nullable=False, server_default=_default("0")),
        sa.Column("min_priority", TEXT, nullable=False, server_default=_default("'high'")),
        sa.Column("digest", INT, nullable=False, server_default=_default("1")),
        if_not_exists=True,
    )
    op.create_table(
        "notification_marks",
        sa.Column("key", TEXT, primary_key=True),
        sa.Column("created_at", TEXT, nullable=False),
        if_not_exists=True,
    )


def _monitor() -> None:
    op.create_table(
        "monitor_samples",
        sa.Column("resolution", INT, primary_key=True, autoincrement=False),
        sa.Column("t", INT, primary_key=True, autoincrement=False),
        sa.Column("data", TEXT, nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "monitor_probe",
        sa.Column("id", INT, sa.CheckConstraint("id = 1"), primary_key=True, autoincrement=False),
        sa.Column("at", SECONDS, nullable=False),
        if_not_exists=True,
    )


def upgrade() -> None:
    _core()
    _collab()
    _calendar()
    _notifications()
    _monitor()


#: Every table of the baseline, children before the tables they refer to.
TABLES = (
    "monitor_probe", "monitor_samples",
    "notification_marks", "notification_prefs", "notification_deliveries", "notification_recipients",
    "notifications",
    "ics_feeds", "credit_charges", "trainer_hours", "series_members", "calendar_series",
    "activity", "chat_messages", "session_versions", "session_locks", "studio_settings", "collab_counters",
    "request_log", "events", "sessions", "locations", "session_types", "clients", "tokens", "users",
    "trainers", "meta",
)


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
