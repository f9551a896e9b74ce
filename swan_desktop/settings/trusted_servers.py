"""Studio CAs this desktop trusts, each pinned to one server's host and port (trust on first use).

One PEM file per server in ``<data folder>/trusted-servers/``, named after the
host and port. The file is the pin: :class:`~swan_desktop.net.tls.Trust`
verifies that server against it alone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import paths

_UNSAFE = re.compile(r"[^A-Za-z0-9.\-]")


def folder() -> Path:
    return paths.data_dir() / "trusted-servers"


def _file(host: str, port: int) -> Path:
    return folder() / f"{_UNSAFE.sub('_', host.lower())}_{port}.pem"


def pinned(host: str, port: int) -> str | None:
    """The studio CA (PEM) trusted for ``host:port``, if any."""
    try:
        return _file(host, port).read_text("ascii")
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def pin(host: str, port: int, pem: str) -> Path:
    """Trust ``pem`` for ``host:port`` from now on (replacing what was trusted there)."""
    folder().mkdir(parents=True, exist_ok=True)
    path = _file(host, port)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(pem, "ascii")
    os.replace(tmp, path)
    return path


def forget(host: str, port: int) -> bool:
    """Stop trusting any studio CA for ``host:port``; True when one was trusted."""
    try:
        _file(host, port).unlink()
    except FileNotFoundError:
        return False
    return True
