"""The calendar tables: recurring series and their members, working hours, credit charges, ICS feeds,
cancellations, the credits each booked session costs."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Table, Text

from ..storage.metadata import metadata

calendar_series = Table(
    "calendar_series", metadata,
    Column("id", Integer, primary_key=True),
    Column("rrule", Text, nullable=False),
    Column("tz", Text, nullable=False),
    Column("created_by", Integer),
    Column("created_at", Text, nullable=False),
    sqlite_autoincrement=True,
)

series_members = Table(
    "series_members", metadata,
    Column("series_id", Integer, primary_key=True, autoincrement=False),
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    Column("original_start", Text, nullable=False),
    Column("exception", Text),
)
Index("series_members_by_session", series_members.c.session_id)

trainer_hours = Table(
    "trainer_hours", metadata,
    Column("trainer_id", Integer, nullable=False),
    Column("weekday", Integer, CheckConstraint("weekday BETWEEN 0 AND 6"), nullable=False),
    Column("start", Text, nullable=False),
    Column("end", Text, nullable=False),
)
Index("trainer_hours_by_trainer", trainer_hours.c.trainer_id)

#: Charges before the credit ledger (revision 0004_clients turned them into ledger rows; no longer written).
credit_charges = Table(
    "credit_charges", metadata,
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    Column("client_id", Integer, nullable=False),
    Column("credits", Integer, nullable=False),
    Column("charged_at", Text, nullable=False),
    Column("restored_at", Text),
)

ics_feeds = Table(
    "ics_feeds", metadata,
    Column("id", Integer, primary_key=True),
    Column("trainer_id", Integer, nullable=False),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("created_by", Integer),
    Column("created_at", Text, nullable=False),
    Column("revoked_at", Text),
    sqlite_autoincrement=True,
)

#: When each cancelled session was cancelled, and whether that was late (inside the studio's window
#: as it was then, or after the start): counted so, whatever is edited on the session later.
session_cancellations = Table(
    "session_cancellations", metadata,
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("cancelled_at", Text, nullable=False),
    Column("late", Integer, nullable=False),
)

#: What a session costs its client when it is completed: its session type's credits when it was
#: booked (or given that type), so a price changed later applies to new bookings only. Sessions
#: without a row (no session type) cost 1.
session_prices = Table(
    "session_prices", metadata,
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("credits", Integer, nullable=False),
)
