"""Quitting stops presence reports in flight instead of leaving them to a dead loop."""

from __future__ import annotations

import asyncio
from typing import Any

from swan_desktop.core.collab.throttle import PresenceThrottle


async def test_cancel_stops_a_report_that_is_still_being_sent() -> None:
    started = asyncio.Event()
    finished: list[dict[str, Any]] = []

    async def slow_send(data: dict[str, Any]) -> None:
        started.set()
        await asyncio.Event().wait()  # the server never answers
        finished.append(data)

    throttle = PresenceThrottle(slow_send, rate=20)
    throttle.report({"activity": "viewing"})
    await asyncio.wait_for(started.wait(), 2)
    (task,) = throttle._tasks
    throttle.cancel()
    await asyncio.wait([task], timeout=2)
    assert task.cancelled() and finished == []
