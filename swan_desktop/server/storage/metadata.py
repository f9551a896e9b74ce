"""The one :class:`~sqlalchemy.MetaData` that every table of the server belongs to."""

from __future__ import annotations

from sqlalchemy import REAL, MetaData
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION
from sqlalchemy.types import TypeEngine

metadata = MetaData()

#: A moment in epoch seconds: SQLite's REAL (8 bytes); on PostgreSQL DOUBLE PRECISION, since its REAL
#: has 4 bytes and would round today's time to about two minutes.
SECONDS: TypeEngine[float] = REAL().with_variant(DOUBLE_PRECISION(), "postgresql")
