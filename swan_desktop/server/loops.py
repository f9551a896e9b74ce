"""Ending a background loop's task for sure."""

from __future__ import annotations

import asyncio
from typing import Any


async def cancel(task: asyncio.Task[Any] | None) -> None:
    """Cancel ``task`` and wait until it ended (Python 3.11's ``wait_for`` may swallow a single
    cancel that lands just as its inner future finishes, so the cancel is repeated)."""
    while task is not None and not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.5)
