"""Runs every :class:`~.store.Store` call on one dedicated thread so the event loop never blocks."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from .store import HubEvent, Store

T = TypeVar("T")


class AsyncStore:
    """An async front for a :class:`Store` living on its own worker thread.

    Committed events are handed to ``publish`` on the loop thread, via
    ``call_soon_threadsafe`` from the worker right after each commit — so they
    reach the loop in ``seq`` order.
    """

    def __init__(self, path: str | Path, publish: Callable[[list[HubEvent]], None]) -> None:
        self._path = str(path)  # a file's path, or a postgresql:// URL
        self._publish = publish
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="swan-db")
        self._store: Store | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def epoch(self) -> str:
        assert self._store is not None
        return self._store.epoch

    async def open(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._store = await self._loop.run_in_executor(self._executor, self._open)

    def _open(self) -> Store:
        store = Store(self._path)
        store.on_events = self._hand_over
        return store

    def _hand_over(self, events: list[HubEvent]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed between the check and the call
            loop.call_soon_threadsafe(self._publish, events)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(store, *args, **kwargs)`` on the worker thread."""
        assert self._store is not None and self._loop is not None, "store is not open"
        call = functools.partial(self._call, fn, *args, **kwargs)
        return await self._loop.run_in_executor(self._executor, call)

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        store = self._store
        assert store is not None, "store is not open"
        store.revive()  # PostgreSQL restarted: a new connection (raises while it is still away)
        return fn(store, *args, **kwargs)

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(store, …)`` on the worker from another (non-loop) thread and wait for it."""
        assert self._store is not None
        return self._executor.submit(functools.partial(self._call, fn, *args, **kwargs)).result(timeout=30)

    async def close(self) -> None:
        if self._store is not None and self._loop is not None:
            store, self._store = self._store, None
            await self._loop.run_in_executor(self._executor, store.close)
        self._executor.shutdown(wait=True)
