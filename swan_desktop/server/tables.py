"""The core tables: directory, users and tokens, sessions, the event log and the request log.

Defined once here (SQLAlchemy Core); the migrations under ``server/migrations``
create and change them, and :mod:`.store` queries them.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Table, Text, text

from .storage.metadata import metadata

meta = Table(
    "meta", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

trainers = Table(
    "trainers", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("specialties", Text, nullable=False, server_default=text("'[]'")),
    Column("color", Text, nullable=False, server_default=text("'#607d8b'")),
    #: 0 once archived: kept for the sessions that name it, left out of pickers.
    Column("active", Integer, nullable=False, server_default=text("1")),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("role", Text, CheckConstraint("role IN ('admin', 'trainer', 'viewer')"), nullable=False),
    Column("password_hash", Text),
    #: The trainer this staff account is (the one direction of the link; a trainer's user_id is read here).
    Column("trainer_id", Integer, ForeignKey("trainers.id", ondelete="SET NULL")),
    #: 0 once deactivated: it cannot sign in.
    Column("active", Integer, nullable=False, server_default=text("1")),
)

tokens = Table(
    "tokens", metadata,
    Column("token_hash", Text, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)

clients = Table(
    "clients", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("credits", Integer, nullable=False, server_default=text("0")),
    Column("source", Text, nullable=False, server_default=text("'swanstudios'")),
    # The client record (revision 0004_clients); see server/clients/.
    Column("email", Text, nullable=False, server_default=text("''")),
    Column("phone", Text, nullable=False, server_default=text("''")),
    Column("birthday", Text),
    Column("emergency_contact", Text, nullable=False, server_default=text("''")),
    Column("notes", Text, nullable=False, server_default=text("''")),
    Column("tags", Text, nullable=False, server_default=text("'[]'")),
    Column("consent_reminders", Integer, nullable=False, server_default=text("0")),
    Column("consent_marketing", Integer, nullable=False, server_default=text("0")),
    Column("archived", Integer, nullable=False, server_default=text("0")),
    Column("created_at", Text),
    #: Lower-case email, for finding duplicates.
    Column("email_key", Text, nullable=False, server_default=text("''")),
    #: Name, email, phone digits and tags, lower-cased: what ``client.search`` matches.
    Column("search_text", Text, nullable=False, server_default=text("''")),
    #: The account that added the client (revision 0008; none for those added before it).
    Column("created_by", Integer),
    #: When the client was erased on request (revision 0011): the row stays, emptied, for the
    #: studio's sessions and credits; nothing changes it after.
    Column("erased_at", Text),
)
Index("clients_by_email", clients.c.email_key)
#: What one account added lately: the trainers' daily allowance (server/clients/records.py).
Index("clients_by_creator", clients.c.created_by, clients.c.created_at)

session_types = Table(
    "session_types", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("duration_min", Integer, nullable=False, server_default=text("60")),
    Column("color", Text, nullable=False, server_default=text("'#4f8fba'")),
    Column("credits", Integer, nullable=False, server_default=text("1")),
    Column("active", Integer, nullable=False, server_default=text("1")),
    #: How many clients one session of this type holds (revision 0004_clients).
    Column("capacity", Integer, nullable=False, server_default=text("1")),
)

locations = Table(
    "locations", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("active", Integer, nullable=False, server_default=text("1")),
    Column("capacity", Integer, nullable=False, server_default=text("1")),
    #: Sessions the room holds at the same time before a booking in it clashes (a shared floor: more).
    Column("sessions_at_once", Integer, nullable=False, server_default=text("1")),
)

sessions = Table(
    "sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("start", Text, nullable=False),
    Column("end", Text, nullable=False),
    Column("trainer_id", Integer, ForeignKey("trainers.id"), nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id")),
    Column("client_name", Text, nullable=False, server_default=text("''")),
    Column("location", Text, nullable=False, server_default=text("''")),
    Column("session_type_id", Integer, ForeignKey("session_types.id")),
    Column("status", Text, nullable=False),
    Column("notes", Text, nullable=False, server_default=text("''")),
    Column("cancel_reason", Text, nullable=False, server_default=text("''")),
    Column("series_id", Integer),
    Column("attendance", Text),
    Column("checked_in_at", Text),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Column("updated_at", Text),
    Column("updated_by", Integer),
    #: A deleted session's id is never handed out again (revision 0012): every record that names
    #: a session by id (credits, emails, versions, activity) keeps naming that one session.
    sqlite_autoincrement=True,
)
Index("sessions_by_start", sessions.c.start)
Index("sessions_by_trainer", sessions.c.trainer_id, sessions.c.start)
Index("sessions_by_client", sessions.c.client_id, sessions.c.start)
#: Covers what reports read of sessions in a range of starts (revision 0004_clients): a year of a
#: busy studio is read from the index alone, without a lookup of each row.
Index("sessions_for_reports", sessions.c.start, sessions.c.trainer_id, sessions.c.status, sessions.c.location,
      sessions.c.end, sessions.c.client_id, sessions.c.attendance, sessions.c.updated_at)

events = Table(
    "events", metadata,
    Column("seq", Integer, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("ts", Text, nullable=False),
    Column("actor", Text),
    Column("data", Text, nullable=False),
    Column("audience", Text),
    sqlite_autoincrement=True,
)

request_log = Table(
    "request_log", metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    Column("request_id", Text, primary_key=True),
    Column("reply", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)
Index("request_log_by_age", request_log.c.created_at)
