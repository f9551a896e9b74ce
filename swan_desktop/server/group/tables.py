"""The studio group's tables: the instances on the database, and presence by instance."""

from __future__ import annotations

from sqlalchemy import Column, Integer, Table, Text, text

from ..storage.metadata import SECONDS, metadata

server_instances = Table(
    "server_instances", metadata,
    Column("id", Text, primary_key=True),
    Column("host", Text, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("port", Integer, nullable=False),
    Column("started_at", SECONDS, nullable=False),
    Column("last_seen", SECONDS, nullable=False),
    #: Set when the instance stopped cleanly.
    Column("stopped_at", SECONDS),
    #: Set by the instance that found it silent past the timeout (and announced it gone).
    Column("gone_at", SECONDS),
    #: Its latest monitor report (JSON): figures, services, the database as it sees it.
    Column("report", Text, nullable=False, server_default=text("'{}'")),
)

presence_entries = Table(
    "presence_entries", metadata,
    Column("instance", Text, primary_key=True),
    Column("user_id", Integer, primary_key=True, autoincrement=False),
    #: The presence as last announced (the ``presence`` of a ``presence:*`` event, JSON).
    Column("data", Text, nullable=False),
)
