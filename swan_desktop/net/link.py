"""The live link to the server: connect, authenticate, sync, stay alive, come back.

A :class:`Link` keeps one :class:`~swan_desktop.net.connection.Connection` at a
time and moves through :class:`LinkState`. After a drop it reconnects with
full-jitter backoff behind a circuit breaker, resumes the event stream with
``sync`` from the caller's cursor, then sends the durable outbox in order.
A heartbeat every 15 s measures latency; no reply within 10 s means the
connection is dead, whatever TCP thinks.

Everything the user changes goes through the outbox (:meth:`Link.submit`): it
is on disk before the caller hears "done", and leaves the outbox only when the
server has answered. Request ids are the outbox ids, so a request resent after
a lost reply is applied once (the server's idempotency).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..protocol.entities import User
from ..protocol.errors import ErrorCode, ProtocolError
from ..protocol.frames import Event
from ..protocol.timefmt import format_ts, now_utc
from .backoff import Backoff
from .breaker import BreakerState, CircuitBreaker
from .connection import (
    CLOSE_DEACTIVATED,
    AuthInfo,
    CertificateRejected,
    Connection,
    ConnectionLost,
    RequestTimeout,
)
from .metrics import ConnectionMetrics
from .outbox import Outbox, OutboxEntry

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_S = 15.0
HEARTBEAT_TIMEOUT_S = 10.0
#: How long stop() waits for the link's tasks to end once cancelled.
STOP_GRACE_S = 5.0
#: Replies with these codes say "not now", not "no": the entry stays pending.
#: How many times a change the server failed on for no reason it could name (a fault, a damaged
#: row — not the database being away) is sent before it is set aside as failed, for the person to
#: retry or discard, so that the changes queued after it go on.
INTERNAL_TRIES = 4
#: The longest wait before sending an entry again: what a rate limit asks for is honoured up to it.
RESEND_CAP_S = 300.0
#: The longest wait between tries while the server's database is away.
OUTAGE_CAP_S = 30.0


class LinkState(enum.StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    AUTHENTICATING = "authenticating"
    SYNCING = "syncing"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    CIRCUIT_OPEN = "circuit-open"


class Queued(Exception):
    """The change is safe in the outbox but the server has not answered yet."""

    def __init__(self, entry: OutboxEntry) -> None:
        super().__init__(f"{entry.rtype} queued as {entry.id}")
        self.entry = entry


class _Dropped(Exception):
    """Internal: the connection went while a caller waited for an answer."""


@dataclass(frozen=True)
class OutboxResult:
    """The server's answer to one outbox entry: ``data`` on success, else ``error``."""

    entry: OutboxEntry
    data: dict[str, Any] | None
    error: ProtocolError | None


class Link:
    """One user's connection to one server, kept alive for as long as the app runs."""

    def __init__(self, url: str, outbox_for: Callable[[AuthInfo], Outbox], *, ssl_context: Any = None,
                 metrics: ConnectionMetrics | None = None, backoff: Backoff | None = None,
                 breaker: CircuitBreaker | None = None,
                 heartbeat_interval: float = HEARTBEAT_INTERVAL_S,
                 heartbeat_timeout: float = HEARTBEAT_TIMEOUT_S,
                 request_timeout: float = 10.0, resend_wait: float = 1.0) -> None:
        #: The server's address, or several comma-separated (instances of a studio group without a
        #: proxy in front): a connection that cannot be opened moves on to the next, in turn.
        self.urls = [u.strip() for u in url.split(",") if u.strip()] or [url]
        #: The address in use (or tried next).
        self.url = self.urls[0]
        self._outbox_for = outbox_for
        self._outbox: Outbox | None = None
        self._ssl = ssl_context
        self.metrics = metrics or ConnectionMetrics()
        self.backoff = backoff or Backoff()
        self.breaker = breaker or CircuitBreaker()
        self.heartbeat_interval = heartbeat_interval
        self.heartbeat_timeout = heartbeat_timeout
        self.request_timeout = request_timeout
        #: The first wait before an entry the server could not take is sent again (it doubles).
        self.resend_wait = resend_wait

        # Wiring, set by the owner before connecting.
        self.cursor: Callable[[], tuple[str, int] | None] = lambda: None
        self.on_sync_reply: Callable[[dict[str, Any]], None] = lambda data: None
        self.on_synced: Callable[[dict[str, Any]], Awaitable[None]] | None = None
        self.on_event: Callable[[Event], object] = lambda event: None
        self.on_state: Callable[[LinkState, str], None] = lambda state, detail: None
        #: Told the answer to an outbox entry no caller is waiting for (sent after a
        #: reconnect, or the caller stopped waiting): the owner routes it by request type.
        self.on_result: Callable[[OutboxResult], object] = lambda result: None
        #: Told once, with the server's words, when it ended this user's access for good
        #: (close code 4003, the account was deactivated): the link does not reconnect.
        self.on_ended: Callable[[str], None] = lambda reason: None
        #: The server's words when it ended this user's access ("" while it has not).
        self.ended_reason = ""

        self.state = LinkState.DISCONNECTED
        self.detail = ""
        self.auth: AuthInfo | None = None
        self.reconnects = 0
        self._conn: Connection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._supervisor: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self._wake_outbox = asyncio.Event()
        self._retry_now = asyncio.Event()
        self._waiters: dict[str, asyncio.Future[OutboxResult]] = {}
        self._stopped = False

    @property
    def outbox(self) -> Outbox:
        """The signed-in user's outbox (opened at the first successful sign-in)."""
        if self._outbox is None:
            raise ConnectionLost("not signed in yet")
        return self._outbox

    # -- state -------------------------------------------------------------------
    def _set_state(self, state: LinkState, detail: str = "") -> None:
        if (state, detail) == (self.state, self.detail):
            return
        self.state, self.detail = state, detail
        log.info("link %s%s", state.value, f": {detail}" if detail else "")
        self.on_state(state, detail)

    @property
    def live(self) -> bool:
        return self.state is LinkState.LIVE

    # -- connecting --------------------------------------------------------------
    async def connect(self, credentials: dict[str, Any]) -> AuthInfo:
        """Connect, authenticate and sync once; raises on failure (for a sign-in dialog).

        On success the link goes live and keeps itself alive until :meth:`stop`.
        """
        auth = await self._connect_once(credentials)
        if self._supervisor is None:
            self._supervisor = asyncio.ensure_future(self._supervise())
        return auth

    def start_offline(self, token: str, user: User) -> None:
        """Begin without the server: the outbox opens, changes queue, and the link
        keeps trying (with ``token``) until the server answers."""
        self.auth = AuthInfo(token=token, expires_at="", user=user, server_time="", epoch="", seq=0)
        if self._outbox is None:
            self._outbox = self._outbox_for(self.auth)
            self.metrics.set_outbox_depth(self._outbox.depth)
        self._set_state(LinkState.RECONNECTING, "working offline: the server cannot be reached")
        self._lost.set()
        if self._supervisor is None:
            self._supervisor = asyncio.ensure_future(self._supervise())

    async def _connect_once(self, credentials: dict[str, Any]) -> AuthInfo:
        for attempt in range(len(self.urls)):
            conn = Connection(self.url, ssl_context=self._ssl, request_timeout=self.request_timeout)
            conn.on_event = self._event
            conn.on_traffic = self._traffic
            self._set_state(LinkState.CONNECTING if self.auth is None else LinkState.RECONNECTING,
                            self.url)
            try:
                await conn.open()
                break
            except ConnectionLost:
                if attempt == len(self.urls) - 1:
                    raise
                self.url = self.urls[(self.urls.index(self.url) + 1) % len(self.urls)]
        try:
            self._set_state(LinkState.AUTHENTICATING)
            auth = await conn.authenticate(credentials)
            if self._outbox is None:
                self._outbox = self._outbox_for(auth)
                self.metrics.set_outbox_depth(self._outbox.depth)
            self._set_state(LinkState.SYNCING)
            synced = await conn.sync(self.cursor(), on_reply=self.on_sync_reply)
            if self._stopped:  # stop() came while we connected: this connection is not wanted
                raise ConnectionLost("the link was stopped")
        except BaseException:
            await conn.close()
            raise
        self.auth = auth
        self._conn = conn
        self._lost.clear()
        conn.on_closed = lambda error, c=conn: self._closed(c, error)
        if not conn.is_open:  # it died while we were syncing
            self._closed(conn, None)
            raise ConnectionLost("connection closed during sync")
        self._set_state(LinkState.LIVE)
        self._tasks = [asyncio.ensure_future(self._heartbeat(conn)),
                       asyncio.ensure_future(self._flush(conn))]
        if self.on_synced is not None:
            try:
                await self.on_synced(synced)
            except (ConnectionLost, RequestTimeout) as exc:
                log.warning("reload after sync failed: %s", exc)
        return auth

    def _event(self, event: Event) -> None:
        self.on_event(event)

    def _traffic(self, direction: str) -> None:
        if direction == "in":
            self.metrics.record_message_in()
        else:
            self.metrics.record_message_out()

    def _closed(self, conn: Connection, error: Exception | None) -> None:
        if conn is not self._conn:
            return
        self._conn = None
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        for waiter in self._waiters.values():  # their changes wait in the outbox
            if not waiter.done():
                waiter.set_exception(_Dropped())
        if not self._stopped and conn.close_code == CLOSE_DEACTIVATED:
            reason = conn.close_reason or "your account was deactivated"
            log.warning("the server ended this account's access: %s", reason)
            self._stopped = True
            self.ended_reason = reason
            self._set_state(LinkState.DISCONNECTED, f"signed out: {reason}")
            self.on_ended(reason)
            return
        if not self._stopped:
            log.warning("connection to %s lost: %s", self.url, error or "closed")
            self._set_state(LinkState.RECONNECTING, f"connection lost: {error or 'closed by the server'}")
            self._lost.set()

    async def _supervise(self) -> None:
        """Reconnect after every drop, for as long as the link runs."""
        while not self._stopped:
            await self._lost.wait()
            if self._stopped:
                return
            await self._reconnect()

    async def _reconnect(self) -> None:
        at_once = False  # "Retry now" was pressed: no backoff before this attempt
        while not self._stopped:
            if not self.breaker.allow():
                wait = self.breaker.seconds_until_probe() or 0.0
                self._set_state(LinkState.CIRCUIT_OPEN,
                                f"server unreachable; trying again in {wait:.0f} s")
                at_once = await self._pause(wait)
                continue
            if not at_once:
                await self._pause(self.backoff.next_delay())
            at_once = False
            if self._stopped:
                return
            try:
                await self._connect_once({"token": self.auth.token} if self.auth else {})
            except CertificateRejected as exc:
                self.breaker.record_failure()
                self._set_state(LinkState.DISCONNECTED, str(exc))
                await self._wait_retry_now()
                continue
            except ProtocolError as exc:
                if exc.code is ErrorCode.UNAUTHORIZED:
                    self._set_state(LinkState.DISCONNECTED, f"signed out: {exc.message}")
                    return
                self.breaker.record_failure()
                self._set_state(LinkState.RECONNECTING, exc.message)
                continue
            except (ConnectionLost, RequestTimeout, OSError) as exc:
                self.breaker.record_failure()
                self._set_state(LinkState.RECONNECTING, str(exc))
                continue
            self.breaker.record_success()
            self.backoff.reset()
            self.reconnects += 1
            self.metrics.record_reconnect()
            return

    async def _pause(self, seconds: float) -> bool:
        """Sleep, unless the user asks to retry now; True when they did."""
        self._retry_now.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):  # not wait_for: it can drop a cancellation on 3.11
                await self._retry_now.wait()
        return self._retry_now.is_set()

    async def _wait_retry_now(self) -> None:
        self._retry_now.clear()
        await self._retry_now.wait()

    def retry_now(self) -> None:
        """The user pressed "Retry now": probe at once, breaker or not."""
        if self.breaker.state is not BreakerState.CLOSED:
            self.breaker.retry_now()
        self.backoff.reset()
        self._retry_now.set()

    async def stop(self) -> None:
        """Stop for good: end the link's tasks, close the connection and the outbox.

        Always ends: a task still running :data:`STOP_GRACE_S` after its
        cancellation is left behind (and logged) rather than waited for.
        """
        self._stopped = True
        self._lost.set()
        self._retry_now.set()
        self._wake_outbox.set()
        # The supervisor first: a reconnect it has in flight may start tasks of its own.
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            await _cancel_and_wait([supervisor])
        tasks, self._tasks = self._tasks, []
        await _cancel_and_wait(tasks)
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()
        for waiter in self._waiters.values():
            waiter.cancel()
        if self._outbox is not None:
            self._outbox.close()
        self._set_state(LinkState.DISCONNECTED, "stopped")

    # -- heartbeat ---------------------------------------------------------------
    async def _heartbeat(self, conn: Connection) -> None:
        while not self._stopped:
            await asyncio.sleep(self.heartbeat_interval)
            started = time.perf_counter()
            try:
                await conn.request("heartbeat", {"client_time": format_ts(now_utc())},
                                   timeout=self.heartbeat_timeout)
            except RequestTimeout:
                log.warning("no heartbeat reply within %.0f s; reconnecting", self.heartbeat_timeout)
                conn.abort()
                return
            except ConnectionLost:
                return
            except ProtocolError as exc:
                log.warning("heartbeat refused: %s", exc.message)
                continue
            self.metrics.record_latency((time.perf_counter() - started) * 1000)

    # -- plain requests ----------------------------------------------------------
    async def request(self, rtype: str, data: dict[str, Any], *,
                      timeout: float | None = None) -> dict[str, Any]:
        """A read (query) over the live connection; raises ConnectionLost when offline."""
        conn = self._conn
        if conn is None or not self.live:
            raise ConnectionLost(f"offline ({self.state.value})")
        started = time.perf_counter()
        try:
            reply = await conn.request(rtype, data, timeout=timeout)
        except ProtocolError:
            self.metrics.record_request(ok=False)
            raise
        self.metrics.record_request(ok=True)
        self.metrics.record_latency((time.perf_counter() - started) * 1000)
        return reply

    # -- durable changes ---------------------------------------------------------
    def submit(self, rtype: str, data: dict[str, Any]) -> OutboxEntry:
        """Write a change to the outbox (durably) and have it sent in order.

        Raises :class:`~swan_desktop.net.outbox.OutboxError` if the disk refuses it:
        then nothing was queued and the caller must tell the user.
        """
        entry = self.outbox.add(rtype, data)
        self.metrics.set_outbox_depth(self.outbox.depth)
        self._wake_outbox.set()
        return entry

    async def submit_and_wait(self, rtype: str, data: dict[str, Any],
                              timeout: float | None = None) -> dict[str, Any]:
        """Submit a change and wait for the server's answer while it is reachable.

        Returns the reply data, raises ProtocolError when refused (the entry is
        then dropped: the caller shows the refusal), or :class:`Queued` when the
        server could not answer in time — the change stays in the outbox.
        """
        entry = self.submit(rtype, data)
        if not self.live:
            raise Queued(entry)
        waiter: asyncio.Future[OutboxResult] = asyncio.get_running_loop().create_future()
        self._waiters[entry.id] = waiter
        try:
            async with asyncio.timeout(timeout or self.request_timeout):
                result = await asyncio.shield(waiter)
        except (TimeoutError, _Dropped):
            raise Queued(entry) from None
        finally:
            self._waiters.pop(entry.id, None)
        if result.error is not None:
            self.outbox.discard(entry.id)
            self.metrics.set_outbox_depth(self.outbox.depth)
            raise result.error
        return result.data or {}

    async def _flush(self, conn: Connection) -> None:
        """Send pending entries one at a time, in order, while this connection lives."""
        while not self._stopped:
            self._wake_outbox.clear()
            pending = self.outbox.pending(limit=100)
            if not pending:
                await self._wake_outbox.wait()
                continue
            for entry in pending:
                if not await self._send_entry(conn, entry):
                    return

    async def _send_entry(self, conn: Connection, entry: OutboxEntry) -> bool:
        """Send one entry until it has an answer; False when the connection is gone."""
        tries = [0, 0]  # the server's faults on it, and its database away, in a row
        while True:
            self.outbox.record_attempt(entry.id)
            started = time.perf_counter()
            try:
                data = await conn.request(entry.rtype, entry.data, request_id=entry.id)
            except (ConnectionLost, RequestTimeout):
                return False  # the reconnect resends it under the same id
            except ProtocolError as exc:
                self.metrics.record_request(ok=False)
                wait = self._resend_after(exc, tries)
                if wait is not None:
                    await asyncio.sleep(wait)
                    continue
                if exc.code is ErrorCode.UNAUTHORIZED:
                    conn.abort()
                    return False
                self.outbox.mark_failed(entry.id, exc.code.value, exc.message)
                self._finish(OutboxResult(entry, None, exc))
                return True
            self.metrics.record_request(ok=True)
            self.metrics.record_latency((time.perf_counter() - started) * 1000)
            self.outbox.mark_done(entry.id)
            self._finish(OutboxResult(entry, data, None))
            return True

    def _resend_after(self, exc: ProtocolError, tries: list[int]) -> float | None:
        """How long to wait before sending an entry again after ``exc``, or None to set it aside
        as failed. A rate limit's wait is honoured (up to :data:`RESEND_CAP_S`); the database
        away is waited out, the wait doubling up to :data:`OUTAGE_CAP_S`; any other fault of the
        server's is tried :data:`INTERNAL_TRIES` times, the wait doubling, and then set aside:
        resending it every second for ever kept every later change of this PC from the server."""
        data = exc.data or {}
        if exc.code is ErrorCode.RATE_LIMITED:
            asked = data.get("retry_after_s")
            return min(float(asked), RESEND_CAP_S) if isinstance(asked, int | float) and asked > 0 else 1.0
        if exc.code is not ErrorCode.INTERNAL:
            return None
        away = data.get("database") == "unreachable"
        index = 1 if away else 0
        tries[index] += 1
        if not away and tries[0] >= INTERNAL_TRIES:
            return None
        return min(self.resend_wait * 2 ** (tries[index] - 1), OUTAGE_CAP_S if away else RESEND_CAP_S)

    def _finish(self, result: OutboxResult) -> None:
        self.metrics.set_outbox_depth(self.outbox.depth)
        waiter = self._waiters.get(result.entry.id)
        if waiter is not None and not waiter.done():
            waiter.set_result(result)  # the caller waiting for it handles it
            return
        self.on_result(result)


async def _cancel_and_wait(tasks: list[asyncio.Task[None]], grace: float = STOP_GRACE_S) -> None:
    """Cancel ``tasks`` and wait, at most ``grace`` seconds, for them to end.

    Never raises what a task raised, and a cancellation of the caller still goes through.
    """
    running = [task for task in tasks if not task.done()]
    for task in running:
        task.cancel()
    if running:
        _done, pending = await asyncio.wait(running, timeout=grace)
        if pending:
            log.warning("%d link task(s) still running %.0f s after being stopped: %s",
                        len(pending), grace, ", ".join(t.get_name() for t in pending))
    for task in tasks:
        if task.done() and not task.cancelled():
            task.exception()  # retrieved: a task that failed while stopping has nothing left to say
