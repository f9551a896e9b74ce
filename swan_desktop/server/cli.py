"""The ``swan-server`` command: ``serve`` a database, or ``user add`` an account."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import signal
import sys
from collections.abc import Sequence

from argon2 import PasswordHasher

from ..protocol.entities import Role
from ..protocol.frames import DEFAULT_PORT
from .app import SwanServer
from .store import Store


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swan-server", description="Swan Desktop's real-time schedule server."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--db", required=True, help="SQLite database file (created if missing)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    serve.add_argument("--demo", action="store_true", help="seed a demo studio into an empty database")
    serve.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    user = commands.add_parser("user", help="manage accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser(
        "add",
        help="add a user, or update an existing user's password and role; "
        "the password is read from standard input",
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--db", required=True, help="SQLite database file (created if missing)")
    add.add_argument("--display-name", help="name shown to others (default: the username)")
    return parser


def _read_password() -> str | None:
    """From a terminal: prompt twice and require a match. From a pipe: the first line."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Repeat password: ")
        if first != second:
            print("swan-server: the passwords do not match", file=sys.stderr)
            return None
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _user_add(args: argparse.Namespace) -> int:
    password = _read_password()
    if password is None:
        return 2
    if not password:
        print("swan-server: refusing an empty password (give it on standard input)", file=sys.stderr)
        return 2
    password_hash = PasswordHasher().hash(password)
    store = Store(args.db)
    try:
        account, created = store.upsert_user(
            args.username, args.display_name or args.username, Role(args.role), password_hash
        )
    finally:
        store.close()
    verb = "added" if created else "updated (password and role)"
    print(f"user {account.username!r} {verb}: role {account.role.value}, id {account.id}")
    return 0


async def _serve(args: argparse.Namespace) -> int:
    server = SwanServer(args.db, args.host, args.port, demo=args.demo)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await server.start()
    print(f"swan-server listening on {server.url}", flush=True)
    try:
        await stop.wait()
    finally:
        logging.getLogger(__name__).info("stopping")
        await server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        logging.basicConfig(
            level=getattr(logging, str(args.log_level).upper(), logging.INFO),
            stream=sys.stderr,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        try:
            return asyncio.run(_serve(args))
        except KeyboardInterrupt:
            return 130
    return _user_add(args)


if __name__ == "__main__":
    sys.exit(main())
