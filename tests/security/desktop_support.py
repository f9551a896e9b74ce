"""Desktop-side security tests: a TLS server with its own studio CA (as ``serve --tls auto`` makes it),
and what a server saw of sign-ins."""

from __future__ import annotations

from pathlib import Path

from swan_desktop.server import studio_pki
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.tls import server_context
from tests.support.server import FAST_HASHER, add_users


def studio_server(folder: Path, port: int = 0, host: str = "127.0.0.1") -> tuple[EmbeddedServer,
                                                                                 studio_pki.StudioCertificates]:
    """A running ``wss://`` server whose certificate comes from a studio CA of its own (made in
    ``folder``), serving that CA at ``/studio-ca.pem`` as ``serve --tls auto`` does."""
    certs = studio_pki.ensure(folder / "studio.sqlite3", host)
    server = EmbeddedServer(folder / "studio.sqlite3", demo=True, host=host, port=port, hasher=FAST_HASHER,
                            ssl=server_context(certs.cert, certs.key))
    server.server.studio_ca.pem = certs.ca.read_bytes()
    server.start()
    add_users(server)
    return server, certs


def sign_in_attempts(server: EmbeddedServer) -> float:
    """``authenticate`` requests the server handled, whatever their outcome."""
    return sum(sample.value for metric in server.server.metrics.requests.collect()
               for sample in metric.samples
               if sample.name.endswith("_total") and sample.labels.get("type") == "authenticate")
