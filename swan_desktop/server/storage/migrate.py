"""Bring a database file to this release's schema: find where it stands, back it up, upgrade it.

The schema's history is the Alembic scripts in ``swan_desktop/server/migrations``
(shipped inside the package and run from here; no ``alembic.ini``). A file is
in one of these states (:class:`DbState`):

- **empty** (missing, or without any table): the migrations create everything, no backup;
- **untracked**: made by a release before migrations were tracked (its tables, no
  ``alembic_version``); it counts as the baseline revision, and upgrading it
  runs the baseline step (which only creates what is missing) and every later one;
- **at a known revision**: upgraded when behind the head, left alone at the head;
- **at an unknown revision** (a newer release wrote it) or **not ours** (tables,
  none of them ``sessions``): refused with :class:`SchemaError`, nothing written.

Before any upgrade of a file that holds data, a consistent copy is written
beside it: ``<name>.bak-<revision>-<UTC timestamp>``.

A ``postgresql://`` URL in place of the path migrates that database with the
same scripts, in one transaction under an advisory lock (instances starting
together upgrade once); no copy is written — back it up with ``pg_dump``
first (the log says so).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect

from . import dialect

if TYPE_CHECKING:  # Alembic itself is imported only when a file is not at the head
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
#: The first revision: the complete schema of the last release before migrations were tracked.
BASELINE = "0001_baseline"
#: A table every database of ours has had since the first release.
MARKER_TABLE = "sessions"
VERSION_TABLE = "alembic_version"


class SchemaError(Exception):
    """The database cannot be used by this release (the message says why, in words)."""


@dataclass(frozen=True, slots=True)
class DbState:
    """Where a database file stands against this release's migrations."""

    #: The file's revision (the baseline for an untracked file); None when it is empty.
    revision: str | None
    #: Made by a release before migrations were tracked (no ``alembic_version`` table).
    untracked: bool
    #: This release's newest revision.
    head: str
    #: Whether this release knows ``revision``.
    known: bool = True

    @property
    def empty(self) -> bool:
        return self.revision is None

    @property
    def needs_upgrade(self) -> bool:
        return self.untracked or self.revision != self.head

    def describe(self) -> str:
        if self.revision is None:
            return "empty (no schema yet)"
        if self.untracked:
            return f"{self.revision} (baseline, before migrations were tracked)"
        if not self.known:
            return f"{self.revision} (unknown to this release; its newest is {self.head})"
        return f"{self.revision} (head)" if self.revision == self.head else self.revision


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What :func:`upgrade` did."""

    before: DbState
    after: str
    #: The copy written before upgrading; None when nothing needed upgrading or the file was empty.
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before.needs_upgrade


@functools.cache
def scripts(location: Path = MIGRATIONS) -> ScriptDirectory:
    """The migration scripts shipped with this release (read once per process)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config(location=location))


def config(connection: Connection | None = None, location: Path = MIGRATIONS) -> Config:
    """Alembic's configuration for the shipped scripts (with ``connection``: the one to migrate).

    Also for writing a new revision, e.g. ``command.revision(config(conn), "…",
    autogenerate=True, rev_id="0003_…")`` with ``conn`` on a file at the head.
    ``location`` is another copy of the scripts (for tests).
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(location))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", "%%(rev)s")  # versions/0003_client_email.py
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head(location: Path = MIGRATIONS) -> str:
    revision = scripts(location).get_current_head()
    assert revision is not None, "no migrations shipped"
    return revision


_REVISION = re.compile(r"^revision\b[^=]*=\s*[\"']([^\"']+)[\"']", re.M)
_DOWN = re.compile(r"^down_revision\b[^=]*=\s*(?:None|[\"']([^\"']+)[\"'])\s*$", re.M)


@functools.cache
def shipped_head(location: Path = MIGRATIONS) -> str | None:
    """The head read from the scripts' ``revision``/``down_revision`` lines, without Alembic.

    None when that is not plain (a line it cannot read, a merge, two heads): then only
    Alembic decides. ``tests/server/test_migrations.py`` checks it against Alembic's head.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (location / "versions").glob("*.py"):
        if script.name == "__init__.py":
            continue
        text = script.read_text("utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def at_shipped_head(path: Path, location: Path = MIGRATIONS) -> str | None:
    """The head when the SQLite file at ``path`` is already at it (read with plain SQL), else None."""
    newest = shipped_head(location)
    if newest is None or not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            rows = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
    except sqlite3.Error:
        return None  # no version table, locked, not a database: the full path says what it is
    return newest if rows == [(newest,)] else None


def history() -> list[tuple[str, str | None, str]]:
    """Every revision oldest first: (revision, the one it follows, its one-line description)."""
    out = [(str(s.revision), s.down_revision if isinstance(s.down_revision, str) else None,
            (s.doc or "").strip().splitlines()[0] if s.doc else "")
           for s in scripts().walk_revisions()]
    return list(reversed(out))


def _state(conn: Connection, location: Path = MIGRATIONS) -> DbState:
    tables = set(inspect(conn).get_table_names())
    newest = head(location)
    if VERSION_TABLE in tables:
        from alembic.runtime.migration import MigrationContext

        revision = MigrationContext.configure(conn).get_current_revision()
        if revision is None:  # the version table is there but empty: as if it were not
            tables.discard(VERSION_TABLE)
        else:
            known = revision in {s.revision for s in scripts(location).walk_revisions()}
            return DbState(revision, False, newest, known)
    if not tables:
        return DbState(None, False, newest)
    if MARKER_TABLE in tables:
        return DbState(BASELINE, True, newest)
    raise SchemaError(f"not a Swan server database (it has tables, but no {MARKER_TABLE!r} table): "
                      f"{', '.join(sorted(tables)[:8])}")


def state(path: str | Path) -> DbState:
    """Where the file at ``path`` stands (read only; a missing file is reported empty, not made)."""
    if not dialect.is_postgres(str(path)) and not Path(path).exists():
        return DbState(None, False, head())
    engine = dialect.open_engine(path, read_only=True)
    try:
        with engine.connect() as conn:
            return _state(dialect.autocommit(conn))
    finally:
        engine.dispose()


def refusal(found: DbState) -> str | None:
    """Why this release must not open a database in ``found`` state (None when it may)."""
    if found.known:
        return None
    return (f"the database is at schema revision {found.revision!r}, which this release does not know "
            f"(its newest is {found.head!r}); it was written by a newer Swan release — "
            f"run that release, or restore a backup made before it upgraded the file")


def upgrade(path: str | Path, now: datetime | None = None, *, location: Path = MIGRATIONS) -> Upgrade:
    """Upgrade the file at ``path`` to the head, backing it up first when it holds data.

    Raises :class:`SchemaError` for a file from a newer release or not ours; the
    file is then left exactly as it was. Looking, the backup and every step run
    under one write transaction, so nobody writes in between and a failed step
    leaves the file as it was (a second server starting at the same moment
    waits, then finds the file already upgraded).
    """
    shared = dialect.is_postgres(str(path))
    current = None if shared else at_shipped_head(Path(path), location)
    if current is not None:  # the usual start: nothing to do, and Alembic not even imported
        return Upgrade(DbState(current, False, current), current, None)
    where = dialect.display(path)
    path = Path(path) if not shared else path
    engine = dialect.open_engine(path, transactional=True)
    try:
        with engine.connect() as conn, conn.begin():
            before = _state(conn, location)
            reason = refusal(before)
            if reason is not None:
                raise SchemaError(reason)
            if not before.needs_upgrade:
                return Upgrade(before, before.head, None)
            copy = None
            if not before.empty and not shared:
                assert isinstance(path, Path)
                copy = backup_path(path, str(before.revision), now)
                dialect.backup(path, copy)
            from alembic import command

            try:
                command.upgrade(config(conn, location), "head")
            except Exception as exc:  # a failed step: every step is rolled back with the transaction
                raise SchemaError(f"upgrading from {before.describe()} to {before.head} failed, and the "
                                  f"file was left as it was: {dialect.reason(exc)}") from exc
            problems = dialect.foreign_key_problems(conn)
            if problems:  # raising rolls every step back
                raise SchemaError(f"the upgrade to {before.head} would break references, and the file "
                                  f"was left as it was: " + "; ".join(problems))
    finally:
        engine.dispose()
    if before.empty:
        log.info("created the schema of %s (revision %s)", where, before.head)
    elif shared:
        log.info("upgraded %s from %s to %s (no copy written: keep pg_dump backups)", where,
                 before.describe(), before.head)
    else:
        log.info("upgraded %s from %s to %s (backup: %s)", where, before.describe(), before.head, copy)
    return Upgrade(before, before.head, copy)


def backup_path(path: Path, revision: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.bak-{revision}-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.bak-{revision}-{stamp}-{n}")
    return candidate
