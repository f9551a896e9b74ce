"""Runs every :class:`~.store.Store` call on one dedicated thread so the event loop never blocks."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Generic, TypeVar

from .store import HubEvent, Store

T = TypeVar("T")
ItemT = TypeVar("ItemT")

#: Most changes one group commit takes (the rest wait for the next group).
GROUP_LIMIT = 64


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


class GroupCommit(Generic[ItemT, T]):
    """Runs waiting items in groups on the store's worker: ``run(store, items)`` gets every
    item waiting when the worker comes to it (at most ``limit``) and returns one outcome
    per item, in order — a result, or the exception that item raised.

    While the worker runs one group (its commit is a flush to disk), the next requests
    gather; so under load many changes share one commit, and alone a change waits for
    nobody. Items are taken in arrival order and their callers are answered after the
    group's ``run`` returned (after its commit), each with its own outcome.
    """

    def __init__(self, store: AsyncStore,
                 run: Callable[[Store, Sequence[ItemT]], Sequence[T | BaseException]],
                 limit: int = GROUP_LIMIT) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._store = store
        self._run = run
        self.limit = limit
        self._waiting: deque[tuple[ItemT, asyncio.Future[T]]] = deque()
        #: A drain is queued on the worker and has not yet taken its items.
        self._queued = False
        #: Groups run and items run in them (for tests and metrics).
        self.groups = 0
        self.items = 0

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def submit(self, item: ItemT) -> T:
        """Run ``item`` in the next group; its own result, or its own exception raised here."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if not self._queued:
            self._schedule()
        return await future

    def _drain(self, store: Store) -> list[tuple[asyncio.Future[T], T | BaseException]]:
        """On the worker: take what is waiting now and run it as one group."""
        self._queued = False  # before taking: an item added after this line gets a drain of its own
        batch: list[tuple[ItemT, asyncio.Future[T]]] = []
        while self._waiting and len(batch) < self.limit:
            batch.append(self._waiting.popleft())
        if not batch:
            return []
        try:
            outcomes = list(self._run(store, [item for item, _ in batch]))
            if len(outcomes) != len(batch):
                raise RuntimeError(f"a group of {len(batch)} gave {len(outcomes)} outcomes")
        except BaseException as exc:  # noqa: BLE001 -- the group failed as a whole (its commit, say): every caller hears it
            outcomes = [exc] * len(batch)
        self.groups += 1
        self.items += len(batch)
        return [(future, outcome) for (_, future), outcome in zip(batch, outcomes, strict=True)]

    def _schedule(self) -> None:
        self._queued = True
        try:
            drained = asyncio.ensure_future(self._store.run(self._drain))
        except BaseException:
            self._queued = False
            raise
        drained.add_done_callback(self._answer)

    def _answer(self, drained: asyncio.Future[list[tuple[asyncio.Future[T], T | BaseException]]]) -> None:
        """On the loop, after a group: answer each of its callers, then start the next group
        if some were left over (a group takes at most ``limit``)."""
        if drained.cancelled() or drained.exception() is not None:
            # Nothing ran (the store is closed or closing): nobody waits for ever.
            self._queued = False
            error = drained.exception() if not drained.cancelled() else None
            while self._waiting:
                _, future = self._waiting.popleft()
                if not future.done():
                    future.set_exception(error or RuntimeError("the store closed"))
            return
        for future, outcome in drained.result():
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        if self._waiting and not self._queued:
            self._schedule()
