"""Which browser pages may open a WebSocket to the server (``Origin`` on the handshake).

A desktop client sends no ``Origin`` header and is let through. A browser
always sends one, and any web page the studio's staff visit could otherwise
open a WebSocket to the server on the LAN (cross-site WebSocket hijacking,
see the OWASP WebSocket Security Cheat Sheet). So an ``Origin`` is accepted
only when its host and port are the server's own (as the ``Host`` header
names them) or it is listed with ``swan-server serve --allow-origin``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from websockets.datastructures import Headers

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def normalise(origin: str) -> str:
    """``scheme://host:port`` in lower case, with the scheme's default port filled in ("" if unparsable)."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return ""
    if not parts.scheme or not parts.hostname or port is None:
        return ""
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}:{port}"


def _host_port(origin: str) -> str:
    return origin.split("://", 1)[1] if "://" in origin else ""


class OriginCheck:
    """Allows no ``Origin``, the server's own host, and the listed origins."""

    def __init__(self, allowed: frozenset[str] = frozenset()) -> None:
        self._allowed = frozenset(n for n in (normalise(o) for o in allowed) if n)

    def allows(self, headers: Headers) -> bool:
        origins = headers.get_all("Origin")
        if not origins:
            return True  # not a browser
        if len(origins) > 1:
            return False
        origin = normalise(origins[0])
        if not origin:
            return False
        if origin in self._allowed:
            return True
        host = headers.get("Host", "")
        own = normalise(f"http://{host}")
        if own and _host_port(origin) == _host_port(own):
            return True
        return _same_host_default(origin, host)


def _same_host_default(origin: str, host: str) -> bool:
    """A ``Host`` without a port matched against an https origin on 443."""
    if not host or ":" in host.rsplit("]", 1)[-1]:
        return False
    return _host_port(origin) == f"{host.lower()}:443" and origin.startswith("https://")
