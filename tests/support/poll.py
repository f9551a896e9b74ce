"""Waiting, inside an async test, for something the event loop will make true.

    await until(lambda: client.link.live, what="ana's link to be live")
    dialog = await found(lambda: shown(LoginDialog), what="the sign-in dialog")

Both poll every ``interval`` seconds and fail the test with :class:`NeverHappened`
(an AssertionError naming what was awaited) after ``timeout`` seconds, so a
test that waits for something that never comes fails instead of hanging. The
timeout is a bound, not a measurement: a test never asserts how fast a thing
happens. Neither nests a Qt event loop (``qtbot.waitUntil`` would, inside an
async test): both yield to the running loop between checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

#: Long enough for a loaded CI machine, short enough that a failing test reports in good time.
TIMEOUT_S = 10.0
INTERVAL_S = 0.01


class NeverHappened(AssertionError):
    """What a test waited for did not come within its timeout."""


def _describe(probe: Callable[[], object], what: str | None) -> str:
    if what is not None:
        return what
    code = getattr(probe, "__code__", None)
    if code is None:
        return repr(probe)
    return f"{code.co_name} ({code.co_filename}:{code.co_firstlineno})"


async def found(probe: Callable[[], T | None], timeout: float = TIMEOUT_S, *, what: str | None = None,
                interval: float = INTERVAL_S) -> T:
    """The first value other than None that ``probe()`` returns."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = probe()
        if value is not None:
            return value
        if loop.time() >= deadline:
            raise NeverHappened(f"waited {timeout:g} s for {_describe(probe, what)}; it never came")
        await asyncio.sleep(interval)


async def until(predicate: Callable[[], object], timeout: float = TIMEOUT_S, *, what: str | None = None,
                interval: float = INTERVAL_S) -> None:
    """Return as soon as ``predicate()`` is true."""
    await found(lambda: True if predicate() else None, timeout, what=_describe(predicate, what),
                interval=interval)


async def until_answered(probe: Callable[[], Awaitable[object]], timeout: float = TIMEOUT_S, *,
                         what: str, interval: float = 0.05) -> None:
    """Return as soon as ``await probe()`` is true (a question asked of a server, say)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await probe():
        if loop.time() >= deadline:
            raise NeverHappened(f"waited {timeout:g} s for {what}; it never came")
        await asyncio.sleep(interval)
