"""The server's schema history (Alembic): ``env.py`` and one script per revision in ``versions/``.

Run through :mod:`swan_desktop.server.storage.migrate` (``swan-server db …``
and at start-up); no ``alembic.ini`` is needed. To write a new revision, see
"Schema and migrations" in ``docs/architecture.md``.
"""
