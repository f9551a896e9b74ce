"""This machine's address on its network, as another studio PC would reach it (for what must
differ between a connection from this computer and one from across the network)."""

from __future__ import annotations

import ipaddress

import psutil
import pytest


def _lan_address() -> str | None:
    """An IPv4 address of this machine that is not loopback (as a studio PC's LAN address)."""
    for addresses in psutil.net_if_addrs().values():
        for a in addresses:
            if a.family.name == "AF_INET" and not ipaddress.ip_address(a.address).is_loopback:
                return str(a.address)
    return None


LAN = _lan_address()
needs_lan = pytest.mark.skipif(LAN is None, reason="this machine has no non-loopback IPv4 address")
