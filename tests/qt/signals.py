"""Awaiting Qt signals inside async tests (no nested event loops, no sleeping)."""

from __future__ import annotations

import asyncio
from typing import Any


async def next_emission(signal: Any, timeout: float = 3.0) -> tuple[Any, ...]:
    """The arguments of the next emission of ``signal``."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def handler(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(handler)
    try:
        return await asyncio.wait_for(future, timeout)
    finally:
        signal.disconnect(handler)


async def until(condition: Any, timeout: float = 3.0) -> None:
    """Wait for a condition the event loop will make true (checked every 10 ms)."""
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)
