"""Following the other instances of a studio group: their committed events reach this server's hub.

Every instance on one PostgreSQL database writes its events to the one events
table, numbered in commit order (see :mod:`.storage.postgres`). A commit with
events sends ``NOTIFY swan_events``; this follower LISTENs on a connection of
its own and, on each wake-up — and every :data:`POLL_S` seconds in any case,
since a notification can be lost with a connection — asks the store to
:meth:`~.store.Store.catch_up`: read the events after the last one handed to
the hub and hand them over, in ``seq`` order. The events table is the truth;
the notification only says when to look.

When PostgreSQL goes away the follower reconnects every second (logging once,
the URL without its password), the store reconnects on its next call, and
events committed meanwhile are read on the first catch-up after.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from . import loops
from .storage import dialect, postgres
from .store import Store
from .worker import AsyncStore

log = logging.getLogger(__name__)

#: Longest time between two looks at the events table without a notification.
POLL_S = 1.0
#: Wait before reconnecting after the listening connection failed.
RETRY_S = 1.0


def _catch_up(store: Store) -> int:
    return store.catch_up()


class EventFollower:
    """LISTENs for other instances' commits and hands their events to the hub through the store."""

    def __init__(self, url: str, store: AsyncStore, poll_s: float = POLL_S) -> None:
        self._url = postgres.libpq_url(url)
        self._name = dialect.display(url)
        self._store = store
        self._poll_s = poll_s
        self._task: asyncio.Task[None] | None = None
        #: Events of other instances handed over so far (for tests and the log).
        self.followed = 0

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        await loops.cancel(task)

    async def _catch_up(self) -> None:
        try:
            self.followed += await self._store.run(_catch_up)
        except dialect.ERRORS as exc:
            log.warning("reading the events of other instances failed: %s", dialect.reason(exc))

    async def _run(self) -> None:
        import psycopg

        failing = False
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        self._url, autocommit=True, connect_timeout=5,
                        application_name="swan-server follower") as conn:
                    await conn.execute(f"LISTEN {postgres.CHANNEL}")
                    if failing:
                        log.info("listening for other instances' events on %s again", self._name)
                        failing = False
                    while True:
                        await self._catch_up()
                        async for _ in conn.notifies(timeout=self._poll_s, stop_after=1):
                            pass
            except (psycopg.Error, OSError) as exc:
                if not failing:
                    log.warning("lost the event notifications of %s (%s); polling until it is back",
                                self._name, dialect.reason(exc))
                    failing = True
                await self._catch_up()
                with contextlib.suppress(TimeoutError):
                    await asyncio.sleep(RETRY_S)
