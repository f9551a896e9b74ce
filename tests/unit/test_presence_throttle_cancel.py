"""Quitting stops presence reports in flight instead of leaving them to a dead loop, and a report
made after the loop has stopped is dropped quietly."""

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


def test_a_report_after_the_loop_has_stopped_is_dropped_without_an_error() -> None:
    """An editor closing as the app quits reports "selecting" with no event loop running
    (it raised RuntimeError inside the Qt slot when the report had to wait for its interval)."""
    sent: list[dict[str, Any]] = []

    async def send(data: dict[str, Any]) -> None:
        sent.append(data)

    now = [0.0]
    throttle = PresenceThrottle(send, rate=20, clock=lambda: now[0])

    async def first() -> None:
        throttle.report({"activity": "editing"})
        await asyncio.sleep(0)

    asyncio.run(first())
    throttle.report({"activity": "selecting"})  # within the interval, and no loop runs now
    now[0] = 1.0
    throttle.report({"activity": "viewing"})  # past the interval, still no loop
    assert sent == [{"activity": "editing"}] and throttle.sent == 1
