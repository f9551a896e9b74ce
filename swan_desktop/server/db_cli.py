"""``swan-server db upgrade|current|history|restored --db PATH``, and the upgrade ``serve`` and
``user add`` do before they open the database."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.exc import OperationalError

from .backup.files import BackupError, ServerLock, check_schema
from .backup.restored import start_over
from .storage import dialect, migrate, postgres

#: The environment variable ``--db`` falls back to (a URL with a password stays out of ``ps``).
DB_URL_ENV = "SWAN_DB_URL"


def db_option(what: str) -> dict[str, Any]:
    """``--db``'s argparse keywords: required unless ``$SWAN_DB_URL`` gives it."""
    default = os.environ.get(DB_URL_ENV) or None
    return {"default": default, "required": default is None,
            "help": f"{what}, or a postgresql://user@host/db URL (password from the URL or ~/.pgpass; "
                    f"default ${DB_URL_ENV})"}


def add_parser(commands: Any) -> None:
    """Add ``db`` and its subcommands to the ``swan-server`` subparsers ``commands``."""
    db = commands.add_parser("db", help="the database's schema: where it stands, its history, upgrades")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser(
        "upgrade", help="upgrade the database to this release's schema (a backup is written beside it first)")
    upgrade.add_argument("--db", **db_option("SQLite database file (created if missing)"))
    current = db_commands.add_parser("current", help="print the database's schema revision")
    current.add_argument("--db", **db_option("SQLite database file"))
    history = db_commands.add_parser("history", help="list this release's schema revisions, oldest first")
    history.add_argument("--db", default=os.environ.get(DB_URL_ENV) or None,
                         help="SQLite database file or postgresql:// URL (marks the revision it is at)")
    restored = db_commands.add_parser(
        "restored", help="after restoring the database another way (pg_restore, a file copied by hand), "
                         "with every server stopped: desktops load the schedule afresh and sign in again")
    restored.add_argument("--db", **db_option("SQLite database file"))


def run(args: argparse.Namespace) -> int:
    try:
        if args.db_command == "current":
            print(migrate.state(args.db).describe())
            return 0
        if args.db_command == "history":
            return _history(args.db)
        if args.db_command == "restored":
            return _restored(args.db)
        return 0 if upgrade_or_refuse(args.db, quiet_when_current=False, out=sys.stdout) else 1
    except migrate.SchemaError as exc:
        print(f"swan-server: {exc}", file=sys.stderr)
        return 1


def _restored(target: str) -> int:
    """Start ``target`` over (:func:`.backup.restored.start_over`): a Swan database of this release
    or an older one (the next ``serve`` upgrades it), only while no server uses it: a SQLite file
    no server holds, a PostgreSQL database no instance is connected to."""
    name = dialect.display(target)
    lock = None
    try:
        if not dialect.is_postgres(target):
            if not Path(target).is_file():
                raise BackupError(f"no database at {name}")
            lock = ServerLock(target)
            if not lock.acquire():
                lock = None
                raise BackupError(f"a server is using {name}; stop it first")
        elif (connected := postgres.servers_connected(target)):
            raise BackupError(f"swan-server instances are connected to {name} ({connected} connection(s)); "
                              "stop every instance first")
        check_schema(target)
        print(f"{name} starts over as a restored database.\n{start_over(target).describe()}")
        return 0
    except BackupError as exc:
        print(f"swan-server: {exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:  # the database server down, or the address wrong
        print(f"swan-server: cannot reach {name}: {str(exc.orig).strip()}", file=sys.stderr)
        return 1
    finally:
        if lock is not None:
            lock.release()


def _history(path: str | None) -> int:
    at = migrate.state(path).revision if path else None
    head = migrate.head()
    for revision, _, title in migrate.history():
        marks = [m for m, on in (("head", revision == head), ("current", revision == at)) if on]
        suffix = f" ({', '.join(marks)})" if marks else ""
        print(f"{revision}{suffix}: {title}")
    return 0


def upgrade_or_refuse(target: str, *, quiet_when_current: bool = True, out: TextIO | None = None) -> bool:
    """Upgrade ``path`` to the head, saying what happened on ``out`` (default: stderr, since ``serve``
    prints its address as the first line of stdout); False (and why, on stderr) when refused."""
    out = out or sys.stderr
    path = dialect.display(target)
    try:
        done = migrate.upgrade(target)
    except migrate.SchemaError as exc:
        print(f"swan-server: cannot open {path}: {exc}", file=sys.stderr)
        return False
    if done.before.empty:
        print(f"created the database schema in {path} (revision {done.after})", file=out, flush=True)
    elif done.changed:
        copy = done.backup or "none written (back PostgreSQL up with pg_dump)"
        print(f"upgraded {path} from {done.before.describe()} to {done.after}; "
              f"backup: {copy}", file=out, flush=True)
    elif not quiet_when_current:
        print(f"{path} is already at {done.after} (head)", file=out, flush=True)
    return True
