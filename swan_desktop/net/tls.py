"""TLS for the client: the system's trust store, plus a studio's own CA if given.

Certificates are always verified (hostname included); there is no switch to
turn verification off.
"""

from __future__ import annotations

import ssl
from pathlib import Path


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
