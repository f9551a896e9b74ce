"""Alembic's environment for the server database.

The connection to migrate is handed over in ``config.attributes["connection"]``
by :mod:`swan_desktop.server.storage.migrate`; with none (the ``alembic``
command line, e.g. for ``revision --autogenerate``) the engine is made from
``sqlalchemy.url``. Every revision of one upgrade runs in one transaction
(SQLite's DDL is transactional), so a failed upgrade leaves the file as it was.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from swan_desktop.server.storage.schema import include_name, metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=include_name,  # not the tables behind the dialect's search index
        render_as_batch=True,  # SQLite changes most columns by copying the table
        transactional_ddl=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; migrate a database file")
run_migrations_online()
