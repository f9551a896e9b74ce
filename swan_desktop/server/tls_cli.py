"""``swan-server tls fingerprint``: the studio CA's SHA-256 fingerprint, to read out to the desktops."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cryptography import x509

from . import studio_pki
from .db_cli import db_option
from .storage import dialect


def add_parsers(commands: Any) -> None:
    tls = commands.add_parser("tls", help="the studio's certificates (made by serve --tls auto)")
    actions = tls.add_subparsers(dest="tls_command", required=True)
    show = actions.add_parser(
        "fingerprint", help="print the studio CA's SHA-256 fingerprint (what desktops must see to trust it)")
    show.add_argument("--db", **db_option("SQLite database file the server uses"))
    show.add_argument("--tls-dir", metavar="DIR", help="the --tls-dir given to serve, if any")


def run(args: argparse.Namespace) -> int:
    if not args.tls_dir and dialect.is_postgres(args.db):
        print("swan-server: with a postgresql:// database give the --tls-dir DIR serve uses", file=sys.stderr)
        return 2
    anchor: str | Path = Path(args.tls_dir) / "studio" if args.tls_dir else args.db
    ca = studio_pki.folder_for(anchor) / "studio-ca.pem"
    try:
        cert = x509.load_pem_x509_certificate(ca.read_bytes())
    except FileNotFoundError:
        print(f"swan-server: no studio CA at {ca}: serve --tls auto makes it on first start", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"swan-server: cannot read the studio CA {ca}: {exc}", file=sys.stderr)
        return 1
    print(f"studio CA: {ca}\nstudio CA SHA-256 fingerprint: {studio_pki.fingerprint(cert)}")
    return 0
