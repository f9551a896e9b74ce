"""One account's requests take at most a few places on the database thread at once.

Every request that reads the database runs on the store's one worker thread, in the order
asked. Each connection sends one request at a time, but an account may hold 32 connections,
each keeping a request on that thread: measured with 20 of one viewer's connections each
searching 30,000 clients (12 ms a search), every other desktop's change waited behind 20 of
them; a year's report at a big studio takes about half a second, so 32 of them could hold the
studio up for over 15 s. So an account's requests that go to the database (every request type
but the few answered on the loop) hold one of a few places (``--reads-per-user``, 2) while
they run; the rest wait on the loop, in order, and a request asked meanwhile by anyone else
waits behind at most those few (2-3 searches in the same measurement). Changes (mutations)
are not held here: they share group commits, where one account's flood is one group among many
callers' changes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from .limits import DEFAULT_READS_PER_USER

#: Answered on the event loop without the database: never held.
EXEMPT = frozenset({"authenticate", "auth.logout", "heartbeat", "presence.update"})


class FairShare:
    """Places on the database per account (``per_user`` 0: no limit)."""

    def __init__(self, per_user: int = DEFAULT_READS_PER_USER) -> None:
        if per_user < 0:
            raise ValueError("per_user must be >= 0")
        self.per_user = per_user
        #: account id → (its places, how many of its requests hold or wait for one).
        self._accounts: dict[int, tuple[asyncio.Semaphore, list[int]]] = {}

    def waiting(self, user_id: int) -> int:
        """Requests of ``user_id`` holding or waiting for a place (for tests and metrics)."""
        held = self._accounts.get(user_id)
        return held[1][0] if held is not None else 0

    @contextlib.asynccontextmanager
    async def place(self, user_id: int, rtype: str) -> AsyncIterator[None]:
        """Hold one of ``user_id``'s places while the request runs (at once when it has one free)."""
        if not self.per_user or rtype in EXEMPT:
            yield
            return
        places, count = self._accounts.setdefault(user_id, (asyncio.Semaphore(self.per_user), [0]))
        count[0] += 1
        try:
            async with places:
                yield
        finally:
            count[0] -= 1
            if not count[0]:
                del self._accounts[user_id]
