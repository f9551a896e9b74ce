"""Runs every :class:`~.store.Store` call on one dedicated thread so the event loop never blocks."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import queue
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Generic, TypeVar

from .reader import Reader, settle
from .storage import dialect
from .store import HubEvent, Store

T = TypeVar("T")
ItemT = TypeVar("ItemT")

#: Most changes one group commit takes (the rest wait for the next group).
GROUP_LIMIT = 64
#: How long :meth:`AsyncStore.close` waits for the worker thread to end.
CLOSE_TIMEOUT_S = 30.0

#: A job's outcome handed back to the loop: its result, or the exception it raised.
Done = Callable[[Any, BaseException | None], None]


class AsyncStore:
    """An async front for a :class:`Store` living on its own worker thread.

    Jobs reach the worker through a queue and run one at a time, in the order given. What a
    job leaves for the loop — the events each of its commits handed over, then its own
    outcome — goes back in ONE ``call_soon_threadsafe`` when the job ends: one wake-up of
    the loop per job, however many commits and callers it served (a group commit answers
    every change of its group with its events in the same hand-over). Events reach
    ``publish`` on the loop in ``seq`` order (one worker, hand-overs in the order made),
    each batch before the outcome of the job that committed it.
    """

    def __init__(self, path: str | Path, publish: Callable[[list[HubEvent]], None]) -> None:
        self._path = str(path)  # a file's path, or a postgresql:// URL
        self._publish = publish
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="swan-db", daemon=True)
        self._store: Store | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: What the running job hands to the loop when it ends (worker thread only).
        self._outbox: list[Callable[[], None]] = []
        #: Long reads on a connection of their own (:mod:`.reader`), so changes do not wait behind them.
        self.reader = Reader(self._path)

    @property
    def epoch(self) -> str:
        assert self._store is not None
        return self._store.epoch

    @property
    def shared(self) -> bool:
        """Whether other server instances may write to this database too (PostgreSQL)."""
        return dialect.is_postgres(self._path)

    async def open(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread.start()
        self._store = await self._job(self._open)

    def _open(self) -> Store:
        store = Store(self._path)
        store.on_events = self._hand_over
        return store

    # -- the worker thread ------------------------------------------------------------
    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            job()

    def _hand_over(self, events: list[HubEvent]) -> None:
        """A commit's events, published on the loop when the job that committed them ends."""
        self._outbox.append(functools.partial(self._publish, events))

    def _finish(self, done: Callable[[], None] | None) -> None:
        """End a job: its events and then ``done`` go to the loop in one hand-over."""
        outbox, self._outbox = self._outbox, []
        if done is not None:
            outbox.append(done)
        loop = self._loop
        if not outbox or loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed between the check and the call
            loop.call_soon_threadsafe(_run_all, outbox)

    def _run_job(self, fn: Callable[[], Any], done: Done) -> None:
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001 -- handed to whoever waits for the job
            self._finish(functools.partial(done, None, exc))
        else:
            self._finish(functools.partial(done, result, None))

    # -- from the loop ------------------------------------------------------------------
    def call(self, fn: Callable[[Store], T], done: Callable[[T | None, BaseException | None], None]) -> None:
        """Run ``fn(store)`` on the worker, then ``done(result, None)`` or ``done(None, exc)``
        on the loop, right after the events ``fn`` committed were published."""
        assert self._loop is not None, "store is not open"
        if self._store is None:
            self._loop.call_soon(done, None, RuntimeError("the store is closed"))
            return
        self._jobs.put(functools.partial(self._run_job, functools.partial(self._call, fn), done))

    def _job(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        assert self._loop is not None
        future: asyncio.Future[T] = self._loop.create_future()
        self._jobs.put(functools.partial(self._run_job, fn, functools.partial(settle, future)))
        return future

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(store, *args, **kwargs)`` on the worker thread."""
        assert self._store is not None and self._loop is not None, "store is not open"
        return await self._job(functools.partial(self._call, fn, *args, **kwargs))

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        store = self._store
        assert store is not None, "store is not open"
        store.revive()  # PostgreSQL restarted: a new connection (raises while it is still away)
        return fn(store, *args, **kwargs)

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(store, *args, **kwargs)`` — a long read, whole on its own and carrying no
        ``seq`` — on the reading connection, while the worker goes on with changes."""
        assert self._store is not None, "store is not open"
        return await self.reader.run(fn, *args, **kwargs)

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(store, …)`` on the worker from another (non-loop) thread and wait for it."""
        assert self._store is not None
        future: Future[T] = Future()

        def job() -> None:
            try:
                future.set_result(self._call(fn, *args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 -- raised to the caller by result()
                future.set_exception(exc)
            self._finish(None)  # the caller hears it on its own thread; its events go to the loop

        self._jobs.put(job)
        return future.result(timeout=30)

    async def close(self) -> None:
        await self.reader.close()
        if self._store is not None and self._loop is not None:
            store, self._store = self._store, None
            await self._job(store.close)
        if self._thread.is_alive():
            self._jobs.put(None)  # the thread ends after the jobs queued before it (it is idle now)
            self._thread.join(CLOSE_TIMEOUT_S)


def _run_all(callbacks: list[Callable[[], None]]) -> None:
    """On the loop: what one job handed over, in order (a failing one does not stop the rest)."""
    for callback in callbacks:
        try:
            callback()
        except Exception as exc:  # noqa: BLE001 -- as the loop itself would: reported, the rest still run
            asyncio.get_running_loop().call_exception_handler(
                {"message": "a store hand-over failed", "exception": exc})


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
            self._store.call(self._drain, self._answer)
        except BaseException:
            self._queued = False
            raise

    def _answer(self, drained: list[tuple[asyncio.Future[T], T | BaseException]] | None,
                error: BaseException | None) -> None:
        """On the loop, after a group (and its events' fan-out): answer each of its callers, then
        start the next group if some were left over (a group takes at most ``limit``)."""
        if error is not None or drained is None:
            # Nothing ran (the store is closed or closing): nobody waits for ever.
            self._queued = False
            while self._waiting:
                _, future = self._waiting.popleft()
                if not future.done():
                    future.set_exception(error or RuntimeError("the store closed"))
            return
        for future, outcome in drained:
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        if self._waiting and not self._queued:
            self._schedule()
