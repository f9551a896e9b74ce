"""Which browser pages may open a WebSocket to the server (``Origin`` on the handshake).

A desktop client sends no ``Origin`` header and is let through. A browser
always sends one, and any web page the studio's staff visit could otherwise
open a WebSocket to the server on the LAN (cross-site WebSocket hijacking,
see the OWASP WebSocket Security Cheat Sheet). So an ``Origin`` is accepted
only when its host and port are the server's own (as the ``Host`` header
names them) or it is listed with ``swan-server serve --allow-origin``. The
server's own host counts only when it is an IP address or one of this
machine's names: a hostile domain re-pointed at the server's address (DNS
rebinding) sends a matching ``Host`` and ``Origin`` of its own name, and is
refused.
"""

from __future__ import annotations

import ipaddress
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


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class OriginCheck:
    """Allows no ``Origin``, the server's own host (an IP address or one of ``own_names``), and
    the listed origins."""

    def __init__(self, allowed: frozenset[str] = frozenset(),
                 own_names: frozenset[str] = frozenset({"localhost"})) -> None:
        self._allowed = frozenset(n for n in (normalise(o) for o in allowed) if n)
        self._own_names = frozenset(n.lower() for n in own_names)

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
        hosts = headers.get_all("Host")
        if len(hosts) != 1:
            return False
        host = hosts[0]
        hostname = urlsplit(f"http://{host}").hostname or ""
        if not (_is_ip(hostname) or hostname in self._own_names):
            return False  # a name this machine does not know itself by: maybe DNS rebinding
        own = normalise(f"http://{host}")
        if own and _host_port(origin) == _host_port(own):
            return True
        return _same_host_default(origin, host)


def _same_host_default(origin: str, host: str) -> bool:
    """A ``Host`` without a port matched against an https origin on 443."""
    if not host or ":" in host.rsplit("]", 1)[-1]:
        return False
    return _host_port(origin) == f"{host.lower()}:443" and origin.startswith("https://")
