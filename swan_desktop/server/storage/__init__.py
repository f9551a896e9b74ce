"""Storage plumbing shared by the store and every feature.

- :mod:`.metadata` — the one SQLAlchemy ``MetaData`` every feature's tables join;
- :mod:`.schema` — gathers every feature's tables (for migrations and checks);
- :mod:`.dialect` — the only place that knows the database is SQLite (engine set-up,
  write transactions, insert-or-ignore, upsert, the event sequence);
- :mod:`.migrate` — brings a database file to this release's schema, with a backup first;
- :mod:`.backup` — a consistent copy of a database file beside it.
"""
