"""``StudioGroup``: this instance among the instances on the database.

Wiring (in :class:`~swan_desktop.server.app.SwanServer`): ``await start(port)`` once
listening (it claims the instance's row), ``await stop()`` before the store closes.
Every :attr:`beat_s` seconds it refreshes its row and marks the instances silent for
:attr:`timeout_s` gone (their users leave); the monitor's samples beat with a report.
``clock`` (wall-clock seconds) may be replaced in tests.

The instance's id is :attr:`name` when given (``serve --instance-name``), else
``main`` on SQLite (one server per file) and ``<host name>:<port>`` on PostgreSQL, so an
instance restarted where it ran keeps its id (and its monitor history).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable
from typing import Any

from .. import loops
from ..storage import dialect
from ..worker import AsyncStore
from . import presence_rows, registry
from .registry import Identity

log = logging.getLogger(__name__)

#: Seconds between heartbeats.
BEAT_S = 5.0
#: An instance silent this long is gone (its users leave): the presence timeout.
TIMEOUT_S = 30.0


class StudioGroup:
    """See the module docstring. Runs on the server's loop thread."""

    def __init__(self, store: AsyncStore, shared: bool, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._shared = shared
        self.clock = clock
        self.beat_s = BEAT_S
        self.timeout_s = TIMEOUT_S
        #: The instance's id when set before :meth:`start` (else see the module docstring).
        self.name: str | None = None
        self.identity: Identity | None = None
        #: Called after this instance had been taken for gone and reports again (re-announce presence).
        self.on_revived: Callable[[], None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._failing = False
        self._last_beat = 0.0

    @property
    def id(self) -> str:
        assert self.identity is not None, "the group is not started"
        return self.identity.id

    def live_after(self) -> float:
        """Instances that reported since this moment are up."""
        return self.clock() - self.timeout_s

    async def start(self, port: int) -> None:
        host = socket.gethostname()
        name = self.name or (f"{host}:{port}" if self._shared else "main")
        self.identity = Identity(name, host, os.getpid(), port, self.clock())
        # One server on a SQLite file: its own start is news to nobody (no event).
        await self._store.run(registry.claim, self.identity, self.clock(), self.timeout_s, self._shared)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        await loops.cancel(task)
        if self.identity is not None:
            try:
                await self._store.run(registry.stop, self.id, self.clock(), self.timeout_s)
            except dialect.ERRORS as exc:
                log.warning("could not mark this instance stopped: %s", dialect.reason(exc))

    async def beat_now(self, report: dict[str, Any] | None = None) -> list[str]:
        """Report in (with ``report``, the monitor's), and mark silent instances gone; their ids."""
        assert self.identity is not None, "the group is not started"
        revived, gone = await self._store.run(registry.beat, self.identity, self.clock(), self.timeout_s,
                                              report)
        self._last_beat = time.monotonic()
        if self._failing:
            log.info("reporting to the database again")
            self._failing = False
        for instance in gone:
            log.warning("instance %s stopped reporting for over %.0f s: taken for gone", instance,
                        self.timeout_s)
        if revived and self.on_revived is not None:
            self.on_revived()
        return gone

    async def instances(self) -> list[dict[str, Any]]:
        """Every instance known, as ``monitor.*`` carries them (``this`` marks this one)."""
        rows = await self._store.run(registry.listing, self.clock(), self.timeout_s)
        for row in rows:
            row["this"] = row["id"] == self.id
        return rows

    async def others_presence(self) -> list[dict[str, Any]]:
        """Presence announced through the other live instances."""
        return await self._store.run(presence_rows.others, self.id, self.live_after())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.beat_s)
            if time.monotonic() - self._last_beat < self.beat_s / 2:
                continue  # the monitor's sample just reported in
            try:
                await self.beat_now()
            except dialect.ERRORS as exc:
                if not self._failing:
                    log.warning("could not report to the database: %s", dialect.reason(exc))
                    self._failing = True
            except Exception:
                log.exception("instance heartbeat failed")
