"""Fetch the studio CA a ``wss://`` server offers (``GET /studio-ca.pem``), for trust on first use.

The certificate is fetched without verification — nothing is trusted yet — so
it proves nothing by itself: the user compares its fingerprint with the one
the studio's administrator sees before anything is kept. It is offered only
when it really is the authority of the server's certificate (checked with a
second, verifying handshake trusting that CA alone), so a stray file cannot be
pinned. Nothing but this GET is sent: no credentials cross an unverified link.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

from .tls import address, fingerprint, pinned_context

CA_PATH = "/studio-ca.pem"
#: A CA certificate is about 1 KiB; more is not one.
MAX_REPLY_BYTES = 64 * 1024
TIMEOUT_S = 10.0


class StudioCaUnavailable(Exception):
    """The server offers no studio CA, or one that does not vouch for it; the message says which."""


@dataclass(frozen=True)
class OfferedCa:
    host: str
    port: int
    pem: str
    fingerprint: str


def _unverified() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the user checks the fingerprint instead
    return context


async def _get(host: str, port: int) -> bytes:
    reader, writer = await asyncio.open_connection(host, port, ssl=_unverified(), server_hostname=host)
    try:
        writer.write(f"GET {CA_PATH} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        raw = await reader.read(MAX_REPLY_BYTES + 1)
    finally:
        writer.close()
    if len(raw) > MAX_REPLY_BYTES:
        raise StudioCaUnavailable("the server's answer is too long to be a certificate")
    head, _, body = raw.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].split()
    if len(status) < 2 or status[1] != b"200":
        raise StudioCaUnavailable("the server does not offer a studio certificate authority "
                                  "(an older swan-server, or one with its own certificate)")
    return body


async def _vouches(host: str, port: int, pem: str) -> bool:
    """Whether the server's certificate verifies (host name included) against ``pem`` alone."""
    try:
        _reader, writer = await asyncio.open_connection(host, port, ssl=pinned_context(pem),
                                                        server_hostname=host)
    except ssl.SSLCertVerificationError:
        return False
    writer.close()
    return True


async def fetch_offered_ca(url: str, timeout: float = TIMEOUT_S) -> OfferedCa:
    """The studio CA ``url``'s server offers, checked to be its certificate's authority."""
    host, port = address(url)
    try:
        async with asyncio.timeout(timeout):
            body = await _get(host, port)
            try:
                pem = body.decode("ascii").strip() + "\n"
                printed = fingerprint(pem)
                pinned_context(pem)
            except (UnicodeDecodeError, ValueError, ssl.SSLError) as exc:
                raise StudioCaUnavailable("what the server offers is not a certificate") from exc
            if not await _vouches(host, port, pem):
                raise StudioCaUnavailable("the server's certificate does not come from the certificate "
                                          "authority it offers")
    except (OSError, TimeoutError) as exc:
        raise StudioCaUnavailable(f"cannot reach {host}:{port}: {exc}") from exc
    return OfferedCa(host, port, pem, printed)
