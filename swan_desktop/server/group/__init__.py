"""The server instances sharing one database, each seen by all: liveness, reports, presence rows.

- :mod:`.tables` — ``server_instances`` (one row per instance: who, where, last seen, its
  latest report) and ``presence_entries`` (who is online through which instance);
- :mod:`.registry` — the store-thread functions reading and writing them;
- :mod:`.presence_rows` — presence kept in the database, so every instance answers for all;
- :mod:`.service` — :class:`StudioGroup`, this instance's heartbeat and the expiry of others.
"""
