"""The monitor stops even when a cancellation is swallowed on the way (as
Python 3.11's ``wait_for`` can do when its inner call finishes at that moment)."""

from __future__ import annotations

import asyncio

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import on_server


async def test_monitor_stop_returns_when_the_first_cancel_is_lost(server: EmbeddedServer) -> None:
    monitor = server.server.monitor

    async def stubborn() -> None:
        swallowed = False
        while True:  # like a sampler loop that missed the news
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed = True  # lost, as wait_for may lose it

    async def swap_and_stop() -> bool:
        old = monitor._task
        if old is not None:
            old.cancel()
        monitor._task = asyncio.get_running_loop().create_task(stubborn())
        await asyncio.sleep(0)
        began = asyncio.get_running_loop().time()
        await asyncio.wait_for(monitor.stop(), 5)
        return asyncio.get_running_loop().time() - began < 2.0

    assert await on_server(server, swap_and_stop)  # stops promptly, not after a timeout
