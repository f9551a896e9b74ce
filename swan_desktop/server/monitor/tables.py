"""The monitor's tables: samples in three resolutions per instance, and the one-row write probe."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Integer, Table, Text, text

from ..storage.metadata import SECONDS, metadata

monitor_samples = Table(
    "monitor_samples", metadata,
    Column("resolution", Integer, primary_key=True, autoincrement=False),
    #: The instance that measured it (see server/group/service.py for the id).
    Column("instance", Text, primary_key=True, server_default=text("'main'")),
    Column("t", Integer, primary_key=True, autoincrement=False),
    Column("data", Text, nullable=False),
)

monitor_probe = Table(
    "monitor_probe", metadata,
    Column("id", Integer, CheckConstraint("id = 1"), primary_key=True, autoincrement=False),
    Column("at", SECONDS, nullable=False),
)
