"""No password or token over plain ``ws://`` to another computer unless the user allowed that host.

On a studio's Wi-Fi anyone can read unencrypted traffic; loopback never leaves
this computer, so it is always allowed. Other hosts are allowed one by one in
Settings → Connection ("Allow signing in without encryption to HOST").
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unencrypted_host(url: str) -> str:
    """The host of a plain ``ws://`` address that is not this computer ("" otherwise)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    return host if parts.scheme == "ws" and host and not is_loopback(host) else ""


def refused_host(url: str, allowed: Iterable[str]) -> str:
    """The first host among ``url``'s (comma-separated) addresses a sign-in may not go to in clear."""
    permitted = {h.lower() for h in allowed}
    for one in url.split(","):
        host = unencrypted_host(one)
        if host and host not in permitted:
            return host
    return ""


def refusal(host: str) -> str:
    """What the sign-in says when it will not send credentials to ``host`` unencrypted."""
    return (f"Not signed in: {host} is another computer and ws:// is not encrypted, so your password "
            "would be readable by anyone on the network. Use the server's wss:// address, or tick "
            f"“Allow signing in without encryption to {host}” in Settings → Connection (only on a "
            "network you trust).")
