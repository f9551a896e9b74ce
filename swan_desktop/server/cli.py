"""The ``swan-server`` command: ``serve`` a database (optionally over TLS, with limits, with daily
backups), ``init`` a new studio's first admin, ``user add``, ``backup``/``restore``, or
``db upgrade|current|history|restored``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import getpass
import logging
import os
import signal
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path

from argon2 import PasswordHasher

from ..protocol.entities import Role
from ..protocol.frames import DEFAULT_PORT
from . import db_cli, logs, studio_cli, studio_pki, tls_cli
from .app import SwanServer
from .db_cli import db_option
from .limits import (
    DEFAULT_ACCOUNT_CHECK_S,
    DEFAULT_AUTH_TIMEOUT,
    DEFAULT_BURST,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_CONNECTIONS_PER_USER,
    DEFAULT_MAX_PENDING_PER_ADDRESS,
    DEFAULT_PRESENCE_RATE,
    DEFAULT_RATE,
    DEFAULT_READS_PER_USER,
    DEFAULT_SEND_QUEUE,
    DEFAULT_SEND_QUEUE_BYTES,
    DEFAULT_SIGN_IN_DELAY,
    DEFAULT_SIGN_IN_DELAY_MAX,
    DEFAULT_SIGN_IN_FREE,
    DEFAULT_SYNC_REPLAY_BYTES,
    Limits,
    raise_file_limit,
)
from .notifications import SmtpConfig
from .retention import Retention
from .storage import dialect
from .store import Store
from .studio_pki import StudioCertificates
from .tls import server_context
from .updates import DesktopUpdates


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swan-server", description="Swan Desktop's real-time schedule server."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--db", **db_option("SQLite database file (created if missing)"))
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    serve.add_argument("--demo", action="store_true", help="seed a demo studio into an empty database")
    serve.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    serve.add_argument("--instance-name", metavar="NAME",
                       help="this instance's id in a studio group (default <host name>:<port>; "
                       "unique among the instances on the database)")
    tls = serve.add_argument_group("TLS (wss:// and https://)")
    tls.add_argument(
        "--tls", default="auto", metavar="auto|off|CERT,KEY",
        help="auto (default): a studio CA and server certificate made on first start in "
        "<db name>-tls/ beside the database, the CA's fingerprint printed at start; off: plain ws://; "
        "CERT,KEY: these PEM files",
    )
    tls.add_argument("--tls-dir", metavar="DIR",
                     help="with --tls auto: keep the studio certificates in DIR (needed with a "
                     "postgresql:// database, whose instances share one studio CA)")
    tls.add_argument("--tls-cert", metavar="PEM", help="server certificate (chain) in PEM (with --tls-key)")
    tls.add_argument("--tls-key", metavar="PEM", help="the certificate's private key in PEM")
    limits = serve.add_argument_group("limits")
    limits.add_argument(
        "--rate-limit", type=float, default=DEFAULT_RATE, metavar="N",
        help=f"requests per second per connection, on average (default {DEFAULT_RATE:g}; 0 = no limit)",
    )
    limits.add_argument(
        "--rate-burst", type=int, default=DEFAULT_BURST, metavar="N",
        help=f"requests a connection may send at once (default {DEFAULT_BURST})",
    )
    limits.add_argument(
        "--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS, metavar="N",
        help=f"open WebSocket connections, more get HTTP 503 "
        f"(default {DEFAULT_MAX_CONNECTIONS}; 0 = no limit)",
    )
    limits.add_argument(
        "--send-queue", type=int, default=DEFAULT_SEND_QUEUE, metavar="FRAMES",
        help=f"frames waiting for one client before it is disconnected (default {DEFAULT_SEND_QUEUE})",
    )
    limits.add_argument(
        "--send-queue-bytes", type=int, default=DEFAULT_SEND_QUEUE_BYTES, metavar="BYTES",
        help=f"bytes waiting for one client before it is disconnected (default {DEFAULT_SEND_QUEUE_BYTES})",
    )
    limits.add_argument(
        "--auth-timeout", type=float, default=DEFAULT_AUTH_TIMEOUT, metavar="SECONDS",
        help=f"close a connection that has not authenticated within this time, code 4001 "
        f"(default {DEFAULT_AUTH_TIMEOUT:g})",
    )
    limits.add_argument(
        "--max-pending-per-address", type=int, default=DEFAULT_MAX_PENDING_PER_ADDRESS, metavar="N",
        help=f"unauthenticated connections from one address, more get HTTP 429 "
        f"(default {DEFAULT_MAX_PENDING_PER_ADDRESS}; 0 = no limit)",
    )
    limits.add_argument(
        "--max-connections-per-user", type=int, default=DEFAULT_MAX_CONNECTIONS_PER_USER, metavar="N",
        help=f"signed-in connections of one user, another sign-in is refused "
        f"(default {DEFAULT_MAX_CONNECTIONS_PER_USER}; 0 = no limit)",
    )
    limits.add_argument(
        "--sign-in-free", type=int, default=DEFAULT_SIGN_IN_FREE, metavar="N",
        help=f"failed sign-ins per address and per account answered without delay "
        f"(default {DEFAULT_SIGN_IN_FREE})",
    )
    limits.add_argument(
        "--sign-in-delay", type=float, default=DEFAULT_SIGN_IN_DELAY, metavar="SECONDS",
        help=f"delay after the free failed sign-ins, doubling with each failure "
        f"(default {DEFAULT_SIGN_IN_DELAY:g}; 0 = no delay)",
    )
    limits.add_argument(
        "--sign-in-delay-max", type=float, default=DEFAULT_SIGN_IN_DELAY_MAX, metavar="SECONDS",
        help=f"longest sign-in delay (default {DEFAULT_SIGN_IN_DELAY_MAX:g})",
    )
    limits.add_argument(
        "--account-check-interval", type=float, default=DEFAULT_ACCOUNT_CHECK_S, metavar="SECONDS",
        help=f"how often to notice users changed by another process (swan-server user add) and "
        f"close or downgrade their open connections (default {DEFAULT_ACCOUNT_CHECK_S:g})",
    )
    limits.add_argument(
        "--sync-replay-bytes", type=int, default=DEFAULT_SYNC_REPLAY_BYTES, metavar="BYTES",
        help=f"events one sync replays at most, beyond them it answers recovered: false and the client "
        f"reloads (default {DEFAULT_SYNC_REPLAY_BYTES}; 0 = no limit)",
    )
    limits.add_argument(
        "--reads-per-user", type=int, default=DEFAULT_READS_PER_USER, metavar="N",
        help=f"requests of one account on the database at once, the rest wait their turn so one "
        f"account cannot hold up the others (default {DEFAULT_READS_PER_USER}; 0 = no limit)",
    )
    limits.add_argument(
        "--presence-rate", type=float, default=DEFAULT_PRESENCE_RATE, metavar="N",
        help=f"presence events per second one user causes at most, later reports are coalesced "
        f"(default {DEFAULT_PRESENCE_RATE:g})",
    )
    serve.add_argument(
        "--compress", action="store_true",
        help="offer per-message deflate (less bandwidth, more CPU for every client)",
    )
    serve.add_argument(
        "--metrics-token", metavar="TOKEN", default=os.environ.get("SWAN_METRICS_TOKEN") or None,
        help="require 'Authorization: Bearer TOKEN' on GET /metrics (or set SWAN_METRICS_TOKEN); "
        "without a token /metrics is refused unless --metrics-open",
    )
    serve.add_argument(
        "--metrics-open", action="store_true",
        help="let anyone who can reach the port read GET /metrics without a token",
    )
    serve.add_argument(
        "--allow-origin", action="append", metavar="ORIGIN", default=[],
        help="a browser origin (e.g. https://studio.example:8443) allowed to open a WebSocket besides "
        "the server's own host; repeat for more (desktops send no Origin and are always allowed)",
    )
    desk = serve.add_argument_group("desktop updates (told to each Swan Desktop when it signs in)")
    desk.add_argument("--min-desktop-version", metavar="X.Y.Z",
                      help="refuse older desktops with 'update required'")
    desk.add_argument("--latest-desktop-version", metavar="X.Y.Z",
                      help="tell older desktops that this version is available")
    desk.add_argument("--installer-url", metavar="URL", help="where the latest installer is")
    keep = serve.add_argument_group("retention (pruned every ten minutes)")
    keep.add_argument("--keep-notifications-days", type=_days, default=Retention.notifications_days,
                      metavar="DAYS", help="keep notifications this long (default %(default)s)")
    keep.add_argument("--keep-activity-days", type=_days, default=Retention.activity_days,
                      metavar="DAYS", help="keep activity-feed entries this long (default %(default)s)")
    mail = serve.add_argument_group(
        "email notifications (or SWAN_SMTP_HOST, _PORT, _SECURITY, _USER, _FROM; "
        "the password only from SWAN_SMTP_PASSWORD)")
    mail.add_argument("--smtp-host", help="SMTP server; email notifications are off without one")
    mail.add_argument("--smtp-port", type=int, help="SMTP port (default 587)")
    mail.add_argument("--smtp-security", choices=["starttls", "ssl", "none"], help="default starttls")
    mail.add_argument("--smtp-user", help="SMTP user name")
    mail.add_argument("--smtp-from", help="sender address")
    user = commands.add_parser("user", help="manage accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser(
        "add",
        help="add a user, or update an existing user's password and role; "
        "the password is read from standard input",
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--db", **db_option("SQLite database file (created if missing)"))
    add.add_argument("--display-name", help="name shown to others (default: the username)")
    serve.add_argument("--backup-dir", metavar="DIR",
                       help="make a backup here every day (keeping 7 daily and 4 weekly ones)")
    db_cli.add_parser(commands)
    studio_cli.add_parsers(commands)
    tls_cli.add_parsers(commands)
    return parser


def _days(text: str) -> int:
    days = int(text)
    if days < 1:
        raise argparse.ArgumentTypeError("keep at least one day")
    return days


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
    if not db_cli.upgrade_or_refuse(args.db):
        return 1
    store = Store(args.db)
    try:
        account, created = store.upsert_user(
            args.username, args.display_name or args.username, Role(args.role), password_hash
        )
        if not created:  # a new password or role: every sign-in of the old one ends
            with store.transaction():
                store.delete_user_tokens(account.id)
    finally:
        store.close()
    verb = "added" if created else "updated (password and role; its tokens revoked)"
    print(f"user {account.username!r} {verb}: role {account.role.value}, id {account.id}")
    return 0


def _tls_options(args: argparse.Namespace) -> tuple[ssl.SSLContext | None, StudioCertificates | None]:
    """The TLS context (None: plain ws://) and, with ``--tls auto``, the studio certificates."""
    if args.tls_cert or args.tls_key:
        if bool(args.tls_cert) != bool(args.tls_key):
            raise ValueError("give both --tls-cert and --tls-key, or neither")
        return server_context(args.tls_cert, args.tls_key), None
    choice = str(args.tls)
    if choice == "off":
        return None, None
    if choice == "auto":
        tls_dir = getattr(args, "tls_dir", None)
        if tls_dir is None and dialect.is_postgres(args.db):
            raise ValueError("with a postgresql:// database give --tls-dir DIR for the studio certificates "
                             "(or --tls-cert/--tls-key, or --tls off behind a proxy that speaks TLS)")
        anchor = Path(tls_dir) / "studio" if tls_dir else args.db
        try:
            certs = studio_pki.ensure(anchor, args.host)
        except OSError as exc:
            raise ValueError(f"cannot make the studio certificates beside {anchor}: {exc}") from exc
        return server_context(certs.cert, certs.key), certs
    cert, sep, key = choice.partition(",")
    if not sep or not cert or not key:
        raise ValueError("--tls takes auto, off, or CERT,KEY")
    return server_context(cert, key), None


def _serve_options(args: argparse.Namespace) -> tuple[Limits, ssl.SSLContext | None]:
    """Limits and TLS context from the command line; raises ``ValueError`` saying what is wrong."""
    limits = Limits(
        rate=args.rate_limit,
        burst=args.rate_burst,
        max_connections=args.max_connections,
        send_queue=args.send_queue,
        send_queue_bytes=args.send_queue_bytes,
        auth_timeout=args.auth_timeout,
        max_pending_per_address=args.max_pending_per_address,
        max_connections_per_user=args.max_connections_per_user,
        sign_in_free=args.sign_in_free,
        sign_in_delay=args.sign_in_delay,
        sign_in_delay_max=args.sign_in_delay_max,
        account_check_s=args.account_check_interval,
        sync_replay_bytes=args.sync_replay_bytes,
        presence_rate=args.presence_rate,
        reads_per_user=args.reads_per_user,
    )
    context, certs = _tls_options(args)
    args.studio_certificates = certs
    return limits, context


def desktop_updates(args: argparse.Namespace) -> DesktopUpdates:
    """``--min-desktop-version``, ``--latest-desktop-version``, ``--installer-url``; ValueError in words."""
    return DesktopUpdates(args.min_desktop_version, args.latest_desktop_version, args.installer_url)


def smtp_config(args: argparse.Namespace, env: dict[str, str]) -> SmtpConfig | None:
    """Email settings from flags, falling back to the environment (the password only from there)."""
    for flag, var in (("smtp_host", "HOST"), ("smtp_port", "PORT"), ("smtp_security", "SECURITY"),
                      ("smtp_user", "USER"), ("smtp_from", "FROM")):
        value = getattr(args, flag, None)
        if value is not None:
            env[f"SWAN_SMTP_{var}"] = str(value)
    return SmtpConfig.from_env(env)


def _freeze_startup_heap() -> None:
    """Put what start-up made (the imports, the schema, the features) out of the cycle collector's
    way: a full collection then walks only what serving allocates since. Unfrozen, one full
    collection of a fresh server's heap took 160–260 ms on the shared 2-core machine, and an
    event fanned out meanwhile waited for it (``benchmarks/fanout_compare.py``, 50 subscribers)."""
    gc.collect()
    gc.freeze()


async def _serve(args: argparse.Namespace, limits: Limits, context: ssl.SSLContext | None) -> int:
    needed, allowed = raise_file_limit(limits.max_connections)
    if allowed < needed:
        logging.getLogger(__name__).warning(
            "this process may open %d files (ulimit -n) but %d connections need about %d: raise the "
            "limit (docs/performance.md) or lower --max-connections", allowed, limits.max_connections, needed)
    server = SwanServer(
        args.db, args.host, args.port, demo=args.demo, ssl=context, limits=limits, compression=args.compress,
        smtp=smtp_config(args, dict(os.environ)), backup_dir=args.backup_dir,
    )
    server.monitor.metrics_token = args.metrics_token
    server.monitor.metrics_open = args.metrics_open
    server.allowed_origins = frozenset(args.allow_origin)
    server.group.name = args.instance_name
    server.retention = Retention(args.keep_notifications_days, args.keep_activity_days)
    server.updates = desktop_updates(args)
    certs: StudioCertificates | None = getattr(args, "studio_certificates", None)
    if certs is not None:
        server.studio_ca.pem = certs.ca.read_bytes()  # GET /studio-ca.pem, for trust on first use
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await server.start()
    _freeze_startup_heap()
    print(f"swan-server listening on {server.url}", flush=True)
    if certs is not None:
        print(f"studio CA (desktops ask to trust it on first sign-in): {certs.ca}\n"
              f"studio CA SHA-256 fingerprint: {certs.fingerprint}", flush=True)
    accounts = await server.store.run(Store.accounts)
    if not any(a.role is Role.ADMIN and a.active for a in accounts):
        logging.getLogger(__name__).warning(
            "%s has no admin yet: create one with swan-server init --db %s --admin NAME",
            dialect.display(args.db), dialect.display(args.db))
    try:
        await stop.wait()
    finally:
        logging.getLogger(__name__).info("stopping")
        await server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        logs.configure(args.log_level)
        try:
            if dialect.is_postgres(args.db) and args.backup_dir:
                raise ValueError("--backup-dir copies a SQLite file; back PostgreSQL up with pg_dump")
            limits, context = _serve_options(args)
            desktop_updates(args)  # a version that is not one is said here, in words
        except ValueError as exc:  # TlsConfigError is one
            print(f"swan-server: {exc}", file=sys.stderr)
            return 2
        if not db_cli.upgrade_or_refuse(args.db):
            return 1
        try:
            return asyncio.run(_serve(args, limits, context))
        except KeyboardInterrupt:
            return 130
    if args.command == "db":
        return db_cli.run(args)
    if args.command == "tls":
        return tls_cli.run(args)
    if args.command in ("init", "backup", "restore"):
        return studio_cli.run(args, _read_password)
    return _user_add(args)


if __name__ == "__main__":
    sys.exit(main())
