"""Clients and the business around them: client records, packages and the credit ledger, group
sessions, waitlists, the outbox of emails to clients, and the session search index.

Revision ID: 0004_clients
Revises: 0003_studio_admin
Create Date: 2026-11-30

- ``clients`` gains the record's fields (email, phone, birthday, emergency contact, notes, tags,
  consent, archived, created_at) and two derived columns: ``email_key`` (lower-case email, indexed,
  for duplicates) and ``search_text`` (what ``client.search`` matches);
- ``session_types.capacity`` (1 for existing types);
- ``packages``, ``package_sales``, ``credit_ledger``, ``session_clients``, ``waitlist``,
  ``client_emails``; ``sessions_by_client``;
- every existing client gets an ``opening`` ledger row, so the balance stays the ledger's sum:
  its credits plus what sessions charged and did not give back, followed by one ``completion``
  row per such session (a timely cancel later refunds it through the ledger);
- ``sessions_search`` and ``clients_search``: full-text indexes over sessions' client name and
  notes and over clients' ``search_text`` (the dialect's).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from swan_desktop.protocol.timefmt import format_ts, now_utc
from swan_desktop.server.storage import dialect
from swan_desktop.server.storage.schema import CLIENT_INDEX, SEARCH_INDEX

revision = "0004_clients"
down_revision: str | None = "0003_studio_admin"
branch_labels: str | None = None
depends_on: str | None = None

TEXT, INT = sa.Text(), sa.Integer()

_TEXT_COLUMNS = ("email", "phone", "emergency_contact", "notes", "email_key", "search_text")
_INT_COLUMNS = ("consent_reminders", "consent_marketing", "archived")


def upgrade() -> None:
    for name in _TEXT_COLUMNS:
        op.add_column("clients", sa.Column(name, TEXT, nullable=False, server_default=sa.text("''")))
    op.add_column("clients", sa.Column("tags", TEXT, nullable=False, server_default=sa.text("'[]'")))
    for name in _INT_COLUMNS:
        op.add_column("clients", sa.Column(name, INT, nullable=False, server_default=sa.text("0")))
    op.add_column("clients", sa.Column("birthday", TEXT))
    op.add_column("clients", sa.Column("created_at", TEXT))
    op.add_column("session_types", sa.Column("capacity", INT, nullable=False, server_default=sa.text("1")))
    op.create_index("clients_by_email", "clients", ["email_key"])
    op.create_index("sessions_by_client", "sessions", ["client_id", "start"])
    op.create_index("sessions_for_reports", "sessions", ["start", "trainer_id", "status", "location", "end",
                                                        "client_id", "attendance", "updated_at"])
    _tables()
    _opening_rows()
    dialect.create_text_index(op.get_bind(), SEARCH_INDEX, "sessions", "id", ("client_name", "notes"))
    dialect.create_text_index(op.get_bind(), CLIENT_INDEX, "clients", "id", ("search_text",))


def _tables() -> None:
    op.create_table(
        "packages",
        sa.Column("id", INT, primary_key=True),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("credits", INT, nullable=False),
        sa.Column("price_cents", INT, nullable=False, server_default=sa.text("0")),
        sa.Column("validity_days", INT, nullable=False, server_default=sa.text("0")),
        sa.Column("active", INT, nullable=False, server_default=sa.text("1")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "package_sales",
        sa.Column("id", INT, primary_key=True),
        sa.Column("client_id", INT, sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("package_id", INT, sa.ForeignKey("packages.id"), nullable=False),
        sa.Column("credits", INT, nullable=False),
        sa.Column("price_paid_cents", INT, nullable=False),
        sa.Column("sold_at", TEXT, nullable=False),
        sa.Column("expires_at", TEXT),
        sa.Column("sold_by", INT),
        sa.Column("lapsed_at", TEXT),
        sqlite_autoincrement=True,
    )
    op.create_index("package_sales_by_client", "package_sales", ["client_id", "sold_at"])
    op.create_index("package_sales_by_expiry", "package_sales", ["expires_at"])
    op.create_index("package_sales_by_time", "package_sales", ["sold_at"])
    op.create_table(
        "credit_ledger",
        sa.Column("id", INT, primary_key=True),
        sa.Column("client_id", INT, sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("delta", INT, nullable=False),
        sa.Column("balance_after", INT, nullable=False),
        sa.Column("reason", TEXT, nullable=False),
        sa.Column("session_id", INT),
        sa.Column("sale_id", INT),
        sa.Column("actor_id", INT),
        sa.Column("actor_name", TEXT),
        sa.Column("note", TEXT, nullable=False, server_default=sa.text("''")),
        sa.Column("at", TEXT, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("credit_ledger_by_client", "credit_ledger", ["client_id", "id"])
    op.create_index("credit_ledger_by_session", "credit_ledger", ["session_id", "client_id"])
    op.create_index("credit_ledger_by_time", "credit_ledger", ["at"])
    op.create_table(
        "session_clients",
        sa.Column(
            "session_id",
            INT,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("client_id", INT, sa.ForeignKey("clients.id"), primary_key=True, autoincrement=False),
        sa.Column("attendance", TEXT),
        sa.Column("added_at", TEXT, nullable=False),
    )
    op.create_index("session_clients_by_client", "session_clients", ["client_id"])
    op.create_table(
        "waitlist",
        sa.Column("id", INT, primary_key=True),
        sa.Column("session_id", INT, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("client_id", INT, sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("created_at", TEXT, nullable=False),
        sa.Column("offered_at", TEXT),
        sa.UniqueConstraint("session_id", "client_id", name="waitlist_once"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "client_emails",
        sa.Column("id", INT, primary_key=True),
        sa.Column("session_id", INT, nullable=False),
        sa.Column("client_id", INT, nullable=False),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("due_at", TEXT, nullable=False),
        sa.Column("status", TEXT, nullable=False, server_default=sa.text("'pending'")),
        sa.Column("to_addr", TEXT, nullable=False),
        sa.Column("subject", TEXT, nullable=False, server_default=sa.text("''")),
        sa.Column("message_id", TEXT),
        sa.Column("detail", TEXT, nullable=False, server_default=sa.text("''")),
        sa.Column("created_at", TEXT, nullable=False),
        sa.Column("sent_at", TEXT),
        sa.UniqueConstraint("session_id", "client_id", "kind", name="client_emails_once"),
        sqlite_autoincrement=True,
    )
    op.create_index("client_emails_due", "client_emails", ["status", "due_at"])
    op.create_index("client_emails_by_client", "client_emails", ["client_id", "id"])


def _opening_rows() -> None:
    """Each client's credits become ledger rows (the balance is the ledger's sum from now on)."""
    db = op.get_bind()
    now = format_ts(now_utc())
    charged: dict[int, list[tuple[int, int]]] = {}
    for session_id, client_id, credits in db.exec_driver_sql(
        "SELECT session_id, client_id, credits FROM credit_charges WHERE restored_at IS NULL "
        "ORDER BY session_id"
    ):
        charged.setdefault(int(client_id), []).append((int(session_id), int(credits)))
    rows: list[dict[str, object]] = []
    for client_id, name, credits in db.exec_driver_sql("SELECT id, name, credits FROM clients ORDER BY id"):
        spent = charged.get(int(client_id), [])
        balance = int(credits) + sum(c for _, c in spent)
        search = " ".join(str(name).lower().split())
        db.execute(
            sa.text("UPDATE clients SET created_at = :now, search_text = :search WHERE id = :id"),
            {"now": now, "search": search, "id": client_id},
        )
        if balance == 0 and not spent:
            continue
        rows.append(_row(client_id, balance, balance, "opening", None, now))
        for session_id, cost in spent:
            balance -= cost
            rows.append(_row(client_id, -cost, balance, "completion", session_id, now))
    if rows:
        db.execute(
            sa.text(
                "INSERT INTO credit_ledger (client_id, delta, balance_after, reason, session_id, note, at) "
                "VALUES (:client_id, :delta, :balance_after, :reason, :session_id, :note, :at)"
            ),
            rows,
        )


def _row(
    client_id: int, delta: int, balance: int, reason: str, session_id: int | None, at: str
) -> dict[str, object]:
    note = "credits held before the ledger" if reason == "opening" else "charged before the ledger"
    return {
        "client_id": client_id,
        "delta": delta,
        "balance_after": balance,
        "reason": reason,
        "session_id": session_id,
        "note": note,
        "at": at,
    }


def downgrade() -> None:
    dialect.drop_text_index(op.get_bind(), CLIENT_INDEX)
    dialect.drop_text_index(op.get_bind(), SEARCH_INDEX)
    for index, table in (
        ("client_emails_by_client", "client_emails"),
        ("client_emails_due", "client_emails"),
        ("session_clients_by_client", "session_clients"),
        ("credit_ledger_by_time", "credit_ledger"),
        ("credit_ledger_by_session", "credit_ledger"),
        ("credit_ledger_by_client", "credit_ledger"),
        ("package_sales_by_time", "package_sales"),
        ("package_sales_by_expiry", "package_sales"),
        ("package_sales_by_client", "package_sales"),
        ("sessions_for_reports", "sessions"),
        ("sessions_by_client", "sessions"),
        ("clients_by_email", "clients"),
    ):
        op.drop_index(index, table)
    for name in (
        "client_emails",
        "waitlist",
        "session_clients",
        "credit_ledger",
        "package_sales",
        "packages",
    ):
        op.drop_table(name)
    with op.batch_alter_table("session_types") as batch:
        batch.drop_column("capacity")
    with op.batch_alter_table("clients") as batch:
        for name in (*_TEXT_COLUMNS, "tags", *_INT_COLUMNS, "birthday", "created_at"):
            batch.drop_column(name)
