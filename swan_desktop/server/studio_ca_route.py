"""``GET /studio-ca.pem``: the studio CA's certificate, for a desktop to trust on first use.

The certificate is public (it is in every TLS handshake the server makes); a
desktop that does not trust it yet fetches it here without verification, shows
its SHA-256 fingerprint and keeps it only when the user says it matches the one
the administrator sees (``serve`` prints it; ``swan-server tls fingerprint``).
"""

from __future__ import annotations

from typing import Any

#: Where the studio CA's certificate (PEM) is served.
CA_PATH = "/studio-ca.pem"
NO_CA = b"this server has no studio certificate authority (started without --tls auto)\n"


class StudioCaRoute:
    """An HTTP route for :attr:`Gateway.http_routes`; ``pem`` is set by ``serve --tls auto``."""

    def __init__(self, pem: bytes | None = None) -> None:
        self.pem = pem

    async def __call__(self, path: str) -> tuple[Any, ...] | None:
        if path != CA_PATH:
            return None
        if self.pem is None:
            return 404, "text/plain; charset=utf-8", NO_CA
        return 200, "application/x-pem-file", self.pem
