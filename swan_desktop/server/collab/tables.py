"""The collaboration tables: counters, studio settings, edit locks, kept versions, chat, activity."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, Table, Text, text

from ..storage.metadata import SECONDS, metadata

collab_counters = Table(
    "collab_counters", metadata,
    Column("name", Text, primary_key=True),
    Column("value", Integer, nullable=False),
)

studio_settings = Table(
    "studio_settings", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

session_locks = Table(
    "session_locks", metadata,
    Column("session_id", Integer, primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("user_name", Text, nullable=False),
    Column("token", Integer, nullable=False),
    Column("expires_at", SECONDS, nullable=False),
    Column("released", Integer, nullable=False, server_default=text("0")),
)
#: The live locks (``lock.query`` at every sign-in, an account's count at every ``lock.acquire``)
#: without reading every session ever locked: the live ones are the few at the index's far end.
Index("session_locks_live", session_locks.c.released, session_locks.c.expires_at)

session_versions = Table(
    "session_versions", metadata,
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("fields", Text, nullable=False),
    Column("user_id", Integer),
    Column("ts", Text, nullable=False),
)

chat_messages = Table(
    "chat_messages", metadata,
    Column("id", Integer, primary_key=True),
    Column("room", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("author_id", Integer),
    Column("author_name", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("mentions", Text, nullable=False, server_default=text("'[]'")),
    Column("reactions", Text, nullable=False, server_default=text("'{}'")),
    Column("session_id", Integer),
    Column("created_at", Text, nullable=False),
    Column("edited_at", Text),
    Column("deleted", Integer, nullable=False, server_default=text("0")),
    sqlite_autoincrement=True,
)
Index("chat_by_room", chat_messages.c.room, chat_messages.c.id)

activity = Table(
    "activity", metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", Text, nullable=False),
    Column("actor_id", Integer),
    Column("actor_name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("session_id", Integer),
    Column("trainer_id", Integer),
    Column("summary", Text, nullable=False),
    Column("changes", Text, nullable=False, server_default=text("'[]'")),
    Column("day", Text),
    sqlite_autoincrement=True,
)
