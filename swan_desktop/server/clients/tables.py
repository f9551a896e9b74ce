"""The clients feature's tables: packages and their sales, the credit ledger, the clients of group
sessions, waitlists and the outbox of emails to clients.

The client record itself is the core ``clients`` table (its new columns are in
:mod:`..tables`); ``clients.credits`` is kept equal to the sum of the client's
ledger rows, in the same transaction as each row.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, Table, Text, UniqueConstraint, text

from ..storage.metadata import metadata

packages = Table(
    "packages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("credits", Integer, nullable=False),
    Column("price_cents", Integer, nullable=False, server_default=text("0")),
    #: Sold credits lapse this many days after the sale (0: never).
    Column("validity_days", Integer, nullable=False, server_default=text("0")),
    Column("active", Integer, nullable=False, server_default=text("1")),
    sqlite_autoincrement=True,
)

package_sales = Table(
    "package_sales",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=False),
    Column("package_id", Integer, ForeignKey("packages.id"), nullable=False),
    Column("credits", Integer, nullable=False),
    Column("price_paid_cents", Integer, nullable=False),
    Column("sold_at", Text, nullable=False),
    Column("expires_at", Text),
    Column("sold_by", Integer),
    #: When what was left of its credits lapsed (an ``expiry`` ledger row, or nothing left).
    Column("lapsed_at", Text),
    #: A sale made by mistake, voided (``package.void``): its credits taken back by a ``void`` row.
    Column("voided_at", Text),
    Column("voided_by", Integer),
    Column("void_reason", Text, nullable=False, server_default=text("''")),
    #: The unused part given back (``package.refund``): the credits it still held, taken back by a
    #: ``returned`` row, and the money, counted against revenue when it was given.
    Column("refunded_at", Text),
    Column("refunded_by", Integer),
    Column("refund_credits", Integer, nullable=False, server_default=text("0")),
    Column("refund_cents", Integer, nullable=False, server_default=text("0")),
    Column("refund_reason", Text, nullable=False, server_default=text("''")),
    sqlite_autoincrement=True,
)
Index("package_sales_by_client", package_sales.c.client_id, package_sales.c.sold_at)
Index("package_sales_by_expiry", package_sales.c.expires_at)
Index("package_sales_by_time", package_sales.c.sold_at)

credit_ledger = Table(
    "credit_ledger",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=False),
    Column("delta", Integer, nullable=False),
    Column("balance_after", Integer, nullable=False),
    #: opening | sale | booking | completion | refund | adjustment | expiry
    Column("reason", Text, nullable=False),
    Column("session_id", Integer),
    Column("sale_id", Integer),
    Column("actor_id", Integer),
    Column("actor_name", Text),
    Column("note", Text, nullable=False, server_default=text("''")),
    Column("at", Text, nullable=False),
    sqlite_autoincrement=True,
)
Index("credit_ledger_by_client", credit_ledger.c.client_id, credit_ledger.c.id)
Index("credit_ledger_by_session", credit_ledger.c.session_id, credit_ledger.c.client_id)
Index("credit_ledger_by_time", credit_ledger.c.at)

#: The clients of a group session beyond the first (the first is ``sessions.client_id``).
session_clients = Table(
    "session_clients",
    metadata,
    Column(
        "session_id",
        Integer,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("client_id", Integer, ForeignKey("clients.id"), primary_key=True, autoincrement=False),
    Column("attendance", Text),
    Column("added_at", Text, nullable=False),
)
Index("session_clients_by_client", session_clients.c.client_id)

waitlist = Table(
    "waitlist",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=False),
    Column("created_at", Text, nullable=False),
    Column("offered_at", Text),
    UniqueConstraint("session_id", "client_id", name="waitlist_once"),
    sqlite_autoincrement=True,
)

#: Emails to clients: one row per (session, client, kind), so each is sent at most once.
client_emails = Table(
    "client_emails",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, nullable=False),
    Column("client_id", Integer, nullable=False),
    #: confirmation | reminder | cancellation | offer | change
    Column("kind", Text, nullable=False),
    Column("due_at", Text, nullable=False),
    #: pending | sending | sent | failed | dropped
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("to_addr", Text, nullable=False),
    Column("subject", Text, nullable=False, server_default=text("''")),
    Column("message_id", Text),
    Column("detail", Text, nullable=False, server_default=text("''")),
    Column("created_at", Text, nullable=False),
    Column("sent_at", Text),
    UniqueConstraint("session_id", "client_id", "kind", name="client_emails_once"),
    sqlite_autoincrement=True,
)
Index("client_emails_due", client_emails.c.status, client_emails.c.due_at)
Index("client_emails_by_client", client_emails.c.client_id, client_emails.c.id)

#: Each email (not a reminder) sent to a client, for the count of a day's (``emails.DAILY_MOST``);
#: a row of ``client_emails`` is sent again when its session changes again, so it cannot count.
client_email_sends = Table(
    "client_email_sends",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, nullable=False),
    Column("sent_at", Text, nullable=False),
    sqlite_autoincrement=True,
)
Index("client_email_sends_by_client", client_email_sends.c.client_id, client_email_sends.c.sent_at)
Index("client_email_sends_by_time", client_email_sends.c.sent_at)
