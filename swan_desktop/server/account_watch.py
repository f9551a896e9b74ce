"""Keeps open connections in step with the users table, also when another process changes it.

``swan-server user add`` runs in a process of its own: it changes a user's
password and role and revokes their tokens in the database, and the running
server must notice. Every ``interval`` seconds the watch asks SQLite for
``PRAGMA data_version``, which moves only when another connection committed
to the file (a microsecond read on the worker thread); only then does it read
the users and compare each signed-in connection's account with its row:

- the row is gone, or its password hash changed → the connection is closed
  with code 4003 (``SIGNED_OUT``): the person signs in again;
- only the role changed → the connection takes the new role at once.

Changes made through this server (``user.set_role``, ``user.disconnect``,
``auth.logout``) act on the open connections directly and do not wait for it.
Admin-only requests re-read the account on every request as well (see
:class:`~.handlers.Dispatcher`), so a removed or changed admin is refused even
before the watch comes round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from . import loops
from .connection import SIGNED_OUT, Connection
from .storage import dialect
from .store import Account, Store
from .worker import AsyncStore

log = logging.getLogger(__name__)


def data_version(store: Store) -> int:
    """SQLite's count of commits by other connections to this database file."""
    return dialect.data_version(store.db)


def _accounts(store: Store) -> dict[int, Account]:
    return {a.id: a for a in store.accounts()}


def verdict(held: Account, fresh: Account | None) -> str | None:
    """Why ``held`` may not go on as it is: a close reason, "role" (take the new role), or None."""
    if fresh is None:
        return "your account was removed"
    if not fresh.active and held.active:  # deactivated through another instance of a studio group
        return "your account was deactivated"
    if fresh.password_hash != held.password_hash:
        return "your password or role was changed; sign in again"
    if fresh.role is not held.role or fresh.name != held.name:
        return "role"
    return None


async def apply(conn: Connection, fresh: Account | None) -> None:
    """Close or update one signed-in connection after its account changed."""
    held = conn.account
    if held is None:
        return
    why = verdict(held, fresh)
    if why == "role":
        conn.account = fresh
    elif why is not None:
        log.info("closing connection %s of user %d: %s", conn.ws.id, held.id, why)
        await conn.end(SIGNED_OUT, why)


class AccountWatch:
    """Polls ``PRAGMA data_version`` and reconciles the open connections when it moved."""

    def __init__(self, store: AsyncStore, connections: Callable[[], frozenset[Connection]],
                 interval: float) -> None:
        self._store = store
        self._connections = connections
        self._interval = interval
        self._version: int | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._version = await self._store.run(data_version)
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        await loops.cancel(self._task)
        self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.check()
            except Exception:
                log.exception("checking the users table failed")

    async def check(self) -> None:
        version = await self._store.run(data_version)
        if version == self._version:
            return
        self._version = version
        accounts = await self._store.run(_accounts)
        for conn in self._connections():
            if conn.account is not None and not conn.closed:
                await apply(conn, accounts.get(conn.account.id))
