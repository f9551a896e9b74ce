"""The one :class:`~sqlalchemy.MetaData` that every table of the server belongs to."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()
