"""The names and addresses this machine answers to (for its certificate and its own web origin)."""

from __future__ import annotations

import contextlib
import ipaddress
import socket

#: Listening on these means "every address".
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def own_names(host: str) -> frozenset[str]:
    """This machine's names without asking DNS: localhost, its host name (and ``.local``), ``host``."""
    names = {"localhost"}
    hostname = socket.gethostname().lower()
    if hostname:
        names |= {hostname, f"{hostname.split('.', 1)[0]}.local"}
    if host not in WILDCARDS:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            names.add(host.lower())
    return frozenset(names)


def local_names(host: str) -> tuple[set[str], set[str]]:
    """DNS names (lower case) and IP addresses of this machine, plus ``host`` when it is specific."""
    names = {"localhost"}
    addresses = {"127.0.0.1", "::1"}
    hostname = socket.gethostname()
    for name in (hostname, socket.getfqdn()):
        if name:
            names.add(name.lower())
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(hostname, None):
            addresses.add(str(info[4][0]).split("%", 1)[0])
    if host not in WILDCARDS:
        try:
            addresses.add(str(ipaddress.ip_address(host)))
        except ValueError:
            names.add(host.lower())
    return names, addresses
