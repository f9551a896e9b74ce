"""Long reads on a database connection of their own, beside the store's worker.

Every change and most reads run one at a time on the store's worker thread (:mod:`.worker`), in
the order asked: that order is what keeps a reply's ``seq`` true to the rows it read. A report
over a year of a big studio's sessions takes half a second there, and every PC's change would
wait behind it (behind two of them, an account's share of the worker). Such reads — whole on
their own, answering from what is committed, carrying no ``seq`` — run here instead, on a
read-only connection (SQLite in WAL mode and PostgreSQL both let it read while the worker
writes), one at a time on one thread, so the worker goes on committing changes meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from .store import Store

T = TypeVar("T")

#: Seconds :meth:`Reader.close` waits for a read still running.
CLOSE_TIMEOUT_S = 10.0


class Reader:
    """``await reader.run(fn, *args)``: ``fn(store, *args)`` on the reading thread, with a
    :class:`~.store.Store` opened there (when first needed) only to read ``target``."""

    def __init__(self, target: str) -> None:
        self._target = target
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="swan-db-read", daemon=True)
        self._starting = threading.Lock()
        self._store: Store | None = None
        self._closed = False

    # -- the reading thread ------------------------------------------------------------------
    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()
        if self._store is not None:
            self._store.close()
            self._store = None

    def _read(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        if self._store is None:
            self._store = Store(self._target, reading=True)
        self._store.revive()  # PostgreSQL restarted: a new connection
        return fn(self._store, *args, **kwargs)

    # -- from other threads ------------------------------------------------------------------
    def _put(self, job: Callable[[], None]) -> None:
        if self._closed:
            raise RuntimeError("the store is closed")
        with self._starting:
            if not self._thread.is_alive():
                self._thread.start()
        self._jobs.put(job)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(store, *args, **kwargs)`` on the reading thread; its result, or its exception."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def job() -> None:
            try:
                outcome: tuple[Any, BaseException | None] = (self._read(fn, args, kwargs), None)
            except BaseException as exc:  # noqa: BLE001 -- raised to the caller on its loop
                outcome = (None, exc)
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
                loop.call_soon_threadsafe(settle, future, *outcome)

        self._put(job)
        return await future

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """As :meth:`run`, from a thread with no loop (tools and tests), waiting for the result."""
        future: Future[T] = Future()

        def job() -> None:
            try:
                future.set_result(self._read(fn, args, kwargs))
            except BaseException as exc:  # noqa: BLE001 -- raised to the caller by result()
                future.set_exception(exc)

        self._put(job)
        return future.result(timeout=30)

    async def close(self) -> None:
        """No more reads; the connection closes after those already asked for (waited for up to
        :data:`CLOSE_TIMEOUT_S`, off the loop)."""
        self._closed = True
        if self._thread.is_alive():
            self._jobs.put(None)
            await asyncio.to_thread(self._thread.join, CLOSE_TIMEOUT_S)


def settle(future: asyncio.Future[T], result: T | None, exc: BaseException | None) -> None:
    """``future`` given its outcome, on its loop (not when its caller was cancelled meanwhile)."""
    if future.done():  # its caller was cancelled
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)  # type: ignore[arg-type]
