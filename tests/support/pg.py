"""The PostgreSQL half of the server tests: one fresh database per test on a throwaway cluster.

``make test`` (``.ci/pg-cluster``) starts a cluster and exports its admin URL as
``SWAN_TEST_PG_URL``; without it the PostgreSQL half is skipped. A test asks
:func:`database_for` for the database standing in for a SQLite file path: the
same path gives the same database within the test (a server restarted on "the
same file" finds its data), and every database made for a test is dropped after it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import psycopg

ENV = "SWAN_TEST_PG_URL"

#: The engine the current test runs its servers on ("sqlite" or "postgresql").
current = "sqlite"
_made: list[str] = []


def admin_url() -> str | None:
    return os.environ.get(ENV) or None


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    url = admin_url()
    assert url, f"{ENV} is not set"
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def database_for(path: str | Path) -> str:
    """A PostgreSQL URL standing in for the SQLite file ``path`` (created empty on first use)."""
    name = "swan_t_" + hashlib.sha1(str(path).encode()).hexdigest()[:20]
    base = admin_url()
    assert base
    if name not in _made:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        _made.append(name)
    return base.rsplit("/", 1)[0] + "/" + name


def target(path: str | Path) -> str | Path:
    """``path`` itself on SQLite; its stand-in database's URL when the test runs on PostgreSQL."""
    return database_for(path) if current == "postgresql" else path


def drop_all() -> None:
    """Drop every database made since the last call (after a test)."""
    if not _made:
        return
    with _admin() as conn:
        while _made:
            conn.execute(f'DROP DATABASE IF EXISTS "{_made.pop()}" WITH (FORCE)')
