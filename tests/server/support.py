"""Moved to :mod:`tests.support.server`; this name stays for tests written before the move."""

from tests.support.server import *  # noqa: F403
from tests.support.server import FAST_HASHER, PASSWORDS, ROLES, WAIT, Clients, WsClient  # noqa: F401
