"""The PostgreSQL half of the server tests: one fresh database per test on a throwaway cluster.

``make test`` (``.ci/pg-cluster``) starts a cluster and exports its admin URL as
``SWAN_TEST_PG_URL``; without it the PostgreSQL half is skipped. A test asks
:func:`database_for` for the database standing in for a SQLite file path: the
same path gives the same database within the test (a server restarted on "the
same file" finds its data), and every database made for a test is dropped after it.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import psycopg

ENV = "SWAN_TEST_PG_URL"

#: The engine the current test runs its servers on ("sqlite" or "postgresql").
current = "sqlite"
_made: list[str] = []


def admin_url() -> str | None:
    return os.environ.get(ENV) or None


def enabled() -> bool:
    """Whether the server tests run on PostgreSQL too: a cluster is up and not ``SWAN_TEST_PG=off``."""
    return admin_url() is not None and os.environ.get("SWAN_TEST_PG", "").lower() != "off"


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    url = admin_url()
    assert url, f"{ENV} is not set"
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def database_for(path: str | Path, template: Callable[[], str] | None = None) -> str:
    """A PostgreSQL URL standing in for the SQLite file ``path`` (created on first use: empty, or
    as a copy of the database ``template()`` names, with an epoch of its own)."""
    name = "swan_t_" + hashlib.sha1(str(path).encode()).hexdigest()[:20]
    base = admin_url()
    assert base
    url = base.rsplit("/", 1)[0] + "/" + name
    if name not in _made:
        source = template() if template is not None else None
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{_name(source)}"' if source else ""))
        _made.append(name)
        if source:
            with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
                conn.execute("UPDATE meta SET value = %s WHERE key = 'epoch'", (secrets.token_hex(8),))
    return url


def template_database(label: str) -> str:
    """A new database for a template (this process's own, dropped when it ends): its URL."""
    name = f"swan_tpl_{os.getpid()}_{label}"
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    atexit.register(_drop_quietly, name)
    url = admin_url()
    assert url
    return url.rsplit("/", 1)[0] + "/" + name


def _name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def disconnect_all(url: str) -> None:
    """End every connection to the database at ``url`` (nobody may be on a template being copied)."""
    with _admin() as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (_name(url),))


def _drop_quietly(name: str) -> None:
    with contextlib.suppress(psycopg.Error), _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def target(path: str | Path) -> str | Path:
    """``path`` itself on SQLite; its stand-in database's URL when the test runs on PostgreSQL."""
    return database_for(path) if current == "postgresql" else path


def made() -> int:
    """How many databases are in use now: a mark for :func:`drop_all`."""
    return len(_made)


def drop_all(since: int = 0) -> None:
    """Drop every database made after ``since`` (a :func:`made` mark; by default every one)."""
    if len(_made) <= since:
        return
    with _admin() as conn:
        while len(_made) > since:
            conn.execute(f'DROP DATABASE IF EXISTS "{_made.pop()}" WITH (FORCE)')
