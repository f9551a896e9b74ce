"""TLS for ``wss://``: the server's SSL context from a certificate and key in PEM files."""

from __future__ import annotations

import ssl
from pathlib import Path


class TlsConfigError(ValueError):
    """The certificate or key cannot be used; the message says which and why."""


def server_context(cert: str | Path, key: str | Path) -> ssl.SSLContext:
    """A server context (TLS 1.2 or newer) presenting ``cert`` (PEM, chain allowed) with ``key`` (PEM)."""
    for label, path in (("certificate", cert), ("key", key)):
        if not Path(path).is_file():
            raise TlsConfigError(f"TLS {label} file not found: {path}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(cert), str(key))
    except (ssl.SSLError, ValueError) as exc:
        raise TlsConfigError(f"cannot load TLS certificate {cert} with key {key}: {exc}") from exc
    return context
