"""The studio administration's own table: trainers' time off (blocked whole days)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, Table, Text, text

from ..storage.metadata import metadata

time_off = Table(
    "time_off", metadata,
    Column("id", Integer, primary_key=True),
    Column("trainer_id", Integer, ForeignKey("trainers.id", ondelete="CASCADE"), nullable=False),
    #: Inclusive local dates (YYYY-MM-DD) in the studio's time zone.
    Column("start", Text, nullable=False),
    Column("end", Text, nullable=False),
    Column("reason", Text, nullable=False, server_default=text("''")),
    Column("created_by", Integer),
    Column("created_at", Text, nullable=False),
    sqlite_autoincrement=True,
)
Index("time_off_by_trainer", time_off.c.trainer_id, time_off.c.start)
