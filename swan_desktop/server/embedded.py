"""``EmbeddedServer``: a :class:`SwanServer` on loopback in a thread of its own, with its own loop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from ssl import SSLContext
from typing import Any, TypeVar

from argon2 import PasswordHasher

from .app import SwanServer
from .limits import Limits

log = logging.getLogger(__name__)

T = TypeVar("T")
#: How long tasks left running after a stop get to end once cancelled.
LEFTOVERS_S = 5.0


def _end_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """As ``asyncio.run`` does: a task still pending once the server has stopped (a stop step
    that took too long and was left behind) is cancelled and run to its end on this loop, rather
    than destroyed with the closed loop later, on whichever thread collects it."""
    left = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not left:
        return
    log.warning("embedded server stopped with %d task(s) still running; cancelling them", len(left))
    for task in left:
        task.cancel()
    loop.run_until_complete(asyncio.wait(left, timeout=LEFTOVERS_S))


class EmbeddedServer:
    """Runs the server for the desktop app (no server configured) and for tests.

    ``start()`` blocks until it listens (or raises); ``url`` is then
    ``ws://127.0.0.1:PORT/`` (``wss://`` when given ``ssl``). ``issue_local_token()``
    hands out a token for the local admin, who has no password. ``stop()`` shuts down and joins the thread.
    """

    def __init__(
        self,
        db_path: str | Path,
        demo: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        hasher: PasswordHasher | None = None,
        limits: Limits | None = None,
        ssl: SSLContext | None = None,
        compression: bool = False,
    ) -> None:
        self.db_path = Path(db_path)
        self._server = SwanServer(
            db_path, host, port, demo=demo, local_admin=True, hasher=hasher, limits=limits, ssl=ssl,
            compression=compression,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def server(self) -> SwanServer:
        return self._server

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def epoch(self) -> str:
        return self._server.epoch

    def start(self, timeout: float = 15.0) -> None:
        if self._thread is not None:
            raise RuntimeError("already started")
        # Collect the caller's cyclic garbage now, on its own thread: left for later, the
        # server thread's collector could end up destroying the caller's Qt objects.
        gc.collect()
        self._thread = threading.Thread(target=self._run, name="swan-embedded-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"embedded server did not start within {timeout} s")
        if self._failure is not None:
            self._thread.join(timeout)
            # Said in words (e.g. a database written by a newer release names its revision).
            raise RuntimeError(f"embedded server failed to start: {self._failure}") from self._failure

    def _run(self) -> None:
        # A plain asyncio loop, whatever policy the host app installed (qasync's
        # would hand this thread a Qt loop, which only the GUI thread may run).
        loop = asyncio.DefaultEventLoopPolicy().new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        finally:
            _end_leftovers(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        try:
            await self._server.start()
        except BaseException as exc:  # noqa: BLE001 - reported to the starting thread
            self._failure = exc
            await self._server.stop()
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            await self._server.stop()

    def issue_local_token(self, username: str = "admin", timeout: float = 10.0) -> dict[str, Any]:
        """``{"token", "expires_at", "user": {"id", "name", "role"}}`` for ``username``; no password."""
        future: Future[dict[str, Any]] = asyncio.run_coroutine_threadsafe(
            self._server.issue_token(username), self._require_loop()
        )
        return future.result(timeout)

    def call(self, fn: Callable[[], T], timeout: float = 10.0) -> T:
        """Run ``fn()`` on the server's loop thread and return its result (for tests and tools)."""

        async def _call() -> T:
            return fn()

        future = asyncio.run_coroutine_threadsafe(_call(), self._require_loop())
        return future.result(timeout)

    def _require_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None or not self._ready.is_set() or self._failure is not None:
            raise RuntimeError("embedded server is not running")
        return self._loop

    def stop(self, timeout: float = 15.0) -> None:
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None:
            return
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
        thread.join(timeout)
        if thread.is_alive():
            log.warning("embedded server thread did not stop within %s s", timeout)
        self._thread = None
