"""The server's reading connection held busy, to show that something waits for it (a report, a
client's erasure) while every other PC's changes are answered beside it."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store

from .poll import until


@asynccontextmanager
async def reading_connection_held(server: EmbeddedServer) -> AsyncIterator[None]:
    """Inside, the reading connection runs one long read (as a year's report of a big studio
    would) and takes nothing else; it is let go on the way out."""
    started, release = threading.Event(), threading.Event()

    def long_read(_store: Store) -> None:
        started.set()
        release.wait(30)

    holder = threading.Thread(target=server.server.store.reader.submit, args=(long_read,), daemon=True)
    holder.start()
    try:
        await until(started.is_set, what="the reading connection busy")
        yield
    finally:
        release.set()
