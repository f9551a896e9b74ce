"""``swan-server init``, ``backup`` and ``restore``: setting up a real studio and keeping it safe."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher

from ..protocol.entities import Role
from .admin.passwords import MIN_LENGTH
from .backup import files
from .db_cli import db_option
from .storage import dialect, migrate
from .store import Store


def add_parsers(commands: Any) -> None:
    init = commands.add_parser(
        "init", help="create the first admin of a new studio (the password is read from standard input)")
    init.add_argument("--db", **db_option("SQLite database file (created if missing)"))
    init.add_argument("--admin", required=True, metavar="NAME", help="the admin's username")
    init.add_argument("--display-name", help="name shown to others (default: the username)")
    backup = commands.add_parser("backup", help="copy the database consistently, also while it is served")
    backup.add_argument("--db", **db_option("SQLite database file"))
    backup.add_argument("--to", required=True, metavar="FILE", help="the new backup file")
    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the server must be stopped)")
    restore.add_argument("--db", **db_option("SQLite database file to replace"))
    restore.add_argument("--from", dest="source", required=True, metavar="FILE", help="the backup file")


def run(args: argparse.Namespace, read_password: Callable[[], str | None]) -> int:
    if args.command == "init":
        return _init(args, read_password)
    if dialect.is_postgres(args.db):
        print(f"swan-server: {args.command} works on a SQLite file; for PostgreSQL use pg_dump / pg_restore "
              "(README, Studio group)", file=sys.stderr)
        return 2
    try:
        if args.command == "backup":
            size = files.backup(args.db, args.to)
            print(f"backed up {args.db} to {args.to} ({size} bytes)")
            return 0
        kept, started = files.restore(args.db, args.source)
    except files.BackupError as exc:
        print(f"swan-server: {exc}", file=sys.stderr)
        return 1
    aside = f" (the replaced file is kept as {kept})" if kept else ""
    print(f"restored {args.db} from {args.source}{aside}.\n{started.describe()}")
    return 0


def _init(args: argparse.Namespace, read_password: Callable[[], str | None]) -> int:
    name = dialect.display(args.db)
    try:
        store = Store(args.db)
    except migrate.SchemaError as exc:
        print(f"swan-server: cannot open {name}: {exc}", file=sys.stderr)
        return 1
    try:
        admins = [a for a in store.accounts() if a.role is Role.ADMIN]
        if admins:
            print(f"swan-server: {name} already has an admin ({admins[0].username!r}); "
                  f"sign in as them to add accounts", file=sys.stderr)
            return 1
        password = read_password()
        if password is None:
            return 2
        if len(password) < MIN_LENGTH or not password.strip():
            print(f"swan-server: the password needs at least {MIN_LENGTH} characters", file=sys.stderr)
            return 2
        account, _ = store.upsert_user(args.admin, args.display_name or args.admin, Role.ADMIN,
                                       PasswordHasher().hash(password))
    finally:
        store.close()
    print(f"created admin {account.username!r} (id {account.id}) in {name}; "
          f"start the server with: swan-server serve --db {name}")
    return 0
