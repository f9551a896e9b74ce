"""TLS for the client: the system's trust store, a studio's own CA file, or a studio CA pinned to a server.

Certificates are always verified (hostname included); there is no switch to
turn verification off. :class:`Trust` picks, per server address, what a
``wss://`` certificate must chain to:

- the CA file the user gave (``--ca-file`` or Settings → Connection), when set;
- else the studio CA this desktop trusted on first use for that host and port
  (and nothing else: a certificate from any other authority is refused, even
  one the system trusts);
- else the system's trust store.
"""

from __future__ import annotations

import hashlib
import ssl
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit


class TrustFileError(Exception):
    """The CA file given by the user cannot be used."""


def client_context(ca_file: str | Path | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise TrustFileError(f"cannot use the certificate authority file {ca_file}: {exc}") from exc
    return context


def address(url: str) -> tuple[str, int]:
    """``(host, port)`` of a ``ws://`` or ``wss://`` address (ports 80 and 443 when not given)."""
    parts = urlsplit(url.strip())
    default = 443 if parts.scheme == "wss" else 80
    try:
        port = parts.port or default
    except ValueError:
        port = default
    return (parts.hostname or "").lower(), port


def fingerprint(pem: str) -> str:
    """The SHA-256 fingerprint of a PEM certificate, as ``AA:BB:…`` (as ``swan-server`` prints it)."""
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).digest()
    return ":".join(f"{b:02X}" for b in digest)


def pinned_context(pem: str) -> ssl.SSLContext:
    """A verifying context that trusts the certificate ``pem`` only."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_verify_locations(cadata=pem)
    return context


#: Looks up the studio CA (PEM) pinned to a host and port, if any.
PinLookup = Callable[[str, int], "str | None"]


class Trust:
    """What a server's certificate must chain to, per address (see the module's text)."""

    def __init__(self, ca_file: str | Path | None = None, pins: PinLookup | None = None) -> None:
        self.ca_file = str(ca_file) if ca_file else ""
        self._file_context = client_context(ca_file) if ca_file else None  # TrustFileError: said at once
        self._pins = pins or (lambda host, port: None)

    def pinned(self, url: str) -> str | None:
        """The studio CA pinned for ``url``'s host and port (None: none, or a CA file decides)."""
        return None if self._file_context is not None else self._pins(*address(url))

    def may_ask(self, url: str) -> bool:
        """Whether a refused certificate may lead to "trust this studio?" (no CA file, nothing pinned)."""
        return url.startswith("wss://") and self._file_context is None and self.pinned(url) is None

    def context_for(self, url: str) -> ssl.SSLContext:
        if self._file_context is not None:
            return self._file_context
        pem = self.pinned(url)
        return pinned_context(pem) if pem else ssl.create_default_context()
