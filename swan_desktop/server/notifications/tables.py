"""The notification tables: notices, per-recipient state, deliveries, preferences, once-only marks."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, Table, Text, text

from ..storage.metadata import metadata

notifications = Table(
    "notifications", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("priority", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("links", Text, nullable=False, server_default=text("'{}'")),
    Column("actions", Text, nullable=False, server_default=text("'[]'")),
    Column("created_at", Text, nullable=False),
)

notification_recipients = Table(
    "notification_recipients", metadata,
    Column("notification_id", Integer, ForeignKey("notifications.id", ondelete="CASCADE"),
           primary_key=True, autoincrement=False),
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    Column("read_at", Text),
    Column("acknowledged_at", Text),
    Column("dismissed_at", Text),
)
Index("notification_recipients_by_user", notification_recipients.c.user_id,
      notification_recipients.c.notification_id)

notification_deliveries = Table(
    "notification_deliveries", metadata,
    Column("notification_id", Integer, primary_key=True, autoincrement=False),
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    Column("channel", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("detail", Text, nullable=False, server_default=text("''")),
    Column("updated_at", Text, nullable=False),
)

notification_prefs = Table(
    "notification_prefs", metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    Column("email", Text, nullable=False, server_default=text("''")),
    Column("email_opt_in", Integer, nullable=False, server_default=text("0")),
    Column("min_priority", Text, nullable=False, server_default=text("'high'")),
    Column("digest", Integer, nullable=False, server_default=text("1")),
    # Confirming a new address (revision 0009; see prefs.py): it waits here until the code
    # emailed to it is typed back; only the code's hash is kept.
    Column("pending_email", Text, nullable=False, server_default=text("''")),
    Column("code_hash", Text, nullable=False, server_default=text("''")),
    Column("code_expires", Text),
    Column("code_tries", Integer, nullable=False, server_default=text("0")),
    #: Codes sent in the 24 hours from ``codes_since``.
    Column("codes_sent", Integer, nullable=False, server_default=text("0")),
    Column("codes_since", Text),
)

notification_marks = Table(
    "notification_marks", metadata,
    Column("key", Text, primary_key=True),
    Column("created_at", Text, nullable=False),
)
