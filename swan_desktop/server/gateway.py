"""WebSocket endpoint and plain-HTTP ``/health`` and ``/metrics`` on the same port.

It also enforces the connection limits: past ``limits.max_connections`` open
(or opening) WebSocket connections, a new handshake is answered with HTTP 503
and a ``Retry-After`` header, and counted in ``swan_connections_refused_total``;
past ``limits.max_pending_per_address`` unauthenticated connections from one
remote address, a new handshake from it gets HTTP 429. A connection that has
not authenticated ``limits.auth_timeout`` seconds after it opened (or after it
signed out) is closed with code 4001.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State

from ..protocol.frames import MAX_FRAME_BYTES
from .connection import Connection, remote_address
from .handlers import Dispatcher
from .hostnames import own_names
from .hub import Hub
from .limits import Limits
from .metrics import CONTENT_TYPE, Metrics
from .origins import OriginCheck

log = logging.getLogger(__name__)

#: Seconds a refused client is told to wait (``Retry-After``) before trying again.
RETRY_AFTER_S = 5
NEED_METRICS_TOKEN = b"metrics need Authorization: Bearer <token>\n"
METRICS_CLOSED = b"metrics are closed: start swan-server with --metrics-token TOKEN or --metrics-open\n"
#: Close code for a connection that did not authenticate in time.
AUTH_TIMEOUT_CODE = 4001

HealthProbe = Callable[[], Awaitable[dict[str, Any]]]
#: An HTTP answer: (status, content type, body), optionally with headers that add to or replace the
#: gateway's (``Cache-Control``…).
HttpAnswer = tuple[int, str, bytes] | tuple[int, str, bytes, dict[str, str]]
#: A feature's HTTP GET route: given the path, its answer, or None when not its path. The path is
#: an :class:`HttpGet`: a ``str`` that also carries the request headers.
HttpRoute = Callable[[str], Awaitable[HttpAnswer | None]]


class HttpGet(str):
    """A GET's path that also carries the request's headers (for validators such as If-None-Match)."""

    headers: Headers

    def __new__(cls, path: str, headers: Headers) -> HttpGet:
        get = super().__new__(cls, path)
        get.headers = headers
        return get


def _response(status: HTTPStatus, content_type: str, body: bytes) -> Response:
    headers = Headers(
        [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")]
    )
    return Response(status.value, status.phrase, headers, body)


#: How long a stop waits for connections still answering a request (within the server's
#: per-step bound, ``app.STOP_STEP_S``).
HANDLERS_GRACE_S = 1.5


class Gateway:
    """Accepts connections, feeds their frames to the dispatcher and registers them with the hub."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        hub: Hub,
        metrics: Metrics,
        health: HealthProbe,
        limits: Limits,
        compression: bool = False,
        *,
        metrics_token: str | None = None,
        metrics_open: bool = False,
        allowed_origins: frozenset[str] = frozenset(),
    ) -> None:
        self._dispatcher = dispatcher
        self._hub = hub
        self._metrics = metrics
        self._health = health
        self._limits = limits
        self._compression = compression
        self._metrics_token = metrics_token
        self._metrics_open = metrics_open
        self._allowed_origins = allowed_origins
        self._origins = OriginCheck(allowed_origins)
        self._server: Server | None = None
        #: WebSocket handshakes let through, until their connection ends (counted for the limit).
        self._admitted: set[ServerConnection] = set()
        #: Handshakes and connections not (yet, or no longer) authenticated, by remote address.
        self._pending: dict[str, set[ServerConnection]] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self.connections: set[Connection] = set()
        #: More plain-HTTP paths, tried in order before the 404 (e.g. the calendar's ICS feeds).
        self.http_routes: list[HttpRoute] = []

    async def start(self, host: str, port: int, ssl: Any = None) -> int:
        self._origins = OriginCheck(self._allowed_origins, own_names(host))
        self._server = await serve(
            self._handle,
            host,
            port,
            max_size=MAX_FRAME_BYTES,
            process_request=self._process_request,
            process_response=self._process_response,
            ssl=ssl,
            close_timeout=5,
            server_header="swan-server",
            # Per-message deflate costs CPU for every recipient of every event.
            compression="deflate" if self._compression else None,
        )
        sock = next(iter(self._server.sockets))
        return int(sock.getsockname()[1])

    async def stop(self) -> None:
        """Close every connection; one still answering a request after :data:`HANDLERS_GRACE_S`
        (a long read queued on the database) is cut short, so the store closes after its last
        user. Its desktop hears no reply and asks again once a server is back; a change already
        handed to the database commits, and its idempotency record answers that second ask."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.close(close_connections=True)
        closed = asyncio.ensure_future(server.wait_closed())
        done, _ = await asyncio.wait({closed}, timeout=HANDLERS_GRACE_S)
        if done:
            return
        busy = [task for task in server.handler_tasks if not task.done()]
        log.warning("stopping: %d connection(s) still answering after %g s are cut short", len(busy),
                    HANDLERS_GRACE_S)
        for task in busy:
            task.cancel()
        await asyncio.wait({closed}, timeout=HANDLERS_GRACE_S / 2)

    async def _process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/health":
            report = await self._health()
            status = HTTPStatus.OK if report.get("status") == "ok" else HTTPStatus.SERVICE_UNAVAILABLE
            return _response(status, "application/json", json.dumps(report).encode())
        if path == "/metrics":
            if not self._metrics_allowed(request):
                hint = NEED_METRICS_TOKEN if self._metrics_token else METRICS_CLOSED
                response = _response(HTTPStatus.UNAUTHORIZED, "text/plain; charset=utf-8", hint)
                response.headers["WWW-Authenticate"] = 'Bearer realm="swan-metrics"'
                return response
            return _response(HTTPStatus.OK, CONTENT_TYPE, self._metrics.render())
        for route in self.http_routes if path != "/" else ():
            answer = await route(HttpGet(path, request.headers))
            if answer is not None:
                response = _response(HTTPStatus(answer[0]), answer[1], answer[2])
                for name, value in (answer[3] if len(answer) > 3 else {}).items():
                    if name in response.headers:  # a route's own header replaces the default
                        del response.headers[name]
                    response.headers[name] = value
                return response
        if path != "/":
            return _response(
                HTTPStatus.NOT_FOUND,
                "text/plain; charset=utf-8",
                b"not found: WebSocket on /, plus GET /health and GET /metrics\n",
            )
        if not self._origins.allows(request.headers):
            log.warning("refusing a WebSocket from %s: origin %r is not allowed", remote_address(ws),
                        request.headers.get("Origin"))
            return _response(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8",
                             b"this origin may not open a WebSocket to this server\n")
        return self._admit(ws)

    def _metrics_allowed(self, request: Request) -> bool:
        """Open when configured so; else the token as ``Authorization: Bearer`` (any case of "Bearer")."""
        if self._metrics_open:
            return True
        if not self._metrics_token:
            return False
        scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
        matches = hmac.compare_digest(given.strip().encode(), self._metrics_token.encode())
        return scheme.lower() == "bearer" and matches

    def _admit(self, ws: ServerConnection) -> Response | None:
        """Let a handshake through, or refuse it: 503 when the server is full, 429 when its
        address already holds its share of unauthenticated connections."""
        address = remote_address(ws)
        pending = self._pending.get(address, set())
        pending = {c for c in pending if c.state is not State.CLOSED}
        per_address = self._limits.max_pending_per_address
        if per_address and len(pending) >= per_address:
            self._metrics.refused.inc()
            log.warning("refusing a connection from %s: %d unauthenticated connections open, the limit is %d",
                        address, len(pending), per_address)
            response = _response(
                HTTPStatus.TOO_MANY_REQUESTS,
                "text/plain; charset=utf-8",
                b"too many unauthenticated connections from this address; try again later\n",
            )
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
            return response
        limit = self._limits.max_connections
        if limit:
            # Handshakes whose socket died before the handler ran leave nothing else behind.
            self._admitted = {c for c in self._admitted if c.state is not State.CLOSED}
            if len(self._admitted) >= limit:
                self._metrics.refused.inc()
                log.warning("refusing a connection: %d open, the limit is %d", len(self._admitted), limit)
                response = _response(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    "text/plain; charset=utf-8",
                    b"server is at its connection limit; try again later\n",
                )
                response.headers["Retry-After"] = str(RETRY_AFTER_S)
                return response
        self._admitted.add(ws)
        pending.add(ws)
        self._pending[address] = pending
        return None

    def _process_response(self, ws: ServerConnection, request: Request, response: Response) -> None:
        if response.status_code != HTTPStatus.SWITCHING_PROTOCOLS:
            self._admitted.discard(ws)
            self._authenticated(ws)

    def _authenticated(self, ws: ServerConnection) -> None:
        """``ws`` no longer counts as unauthenticated for its address."""
        address = remote_address(ws)
        pending = self._pending.get(address)
        if pending is not None:
            pending.discard(ws)
            if not pending:
                del self._pending[address]

    def _unauthenticated(self, conn: Connection) -> asyncio.TimerHandle:
        """Count ``conn`` as unauthenticated again and give it ``auth_timeout`` to sign in."""
        self._pending.setdefault(conn.address, set()).add(conn.ws)
        return asyncio.get_running_loop().call_later(self._limits.auth_timeout, self._auth_expired, conn)

    def _auth_expired(self, conn: Connection) -> None:
        if conn.account is not None or conn.closed:
            return
        timeout = self._limits.auth_timeout
        log.info("closing connection %s from %s: not authenticated within %g s", conn.ws.id, conn.address,
                 timeout)
        task = asyncio.ensure_future(conn.end(AUTH_TIMEOUT_CODE, f"authenticate within {timeout:g} s"))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _handle(self, ws: ServerConnection) -> None:
        conn = Connection(ws, self._metrics, self._limits)
        self.connections.add(conn)
        self._hub.add(conn)
        self._metrics.connections.inc()
        started = time.monotonic()
        deadline: asyncio.TimerHandle | None = self._unauthenticated(conn)
        try:
            async for message in ws:
                await self._dispatcher.handle(conn, message)
                if conn.closed:
                    break
                if conn.account is not None and deadline is not None:
                    deadline.cancel()
                    deadline = None
                    self._authenticated(ws)
                elif conn.account is None and deadline is None:  # signed out
                    deadline = self._unauthenticated(conn)
        except ConnectionClosed:
            pass
        finally:
            if deadline is not None:
                deadline.cancel()
            self._authenticated(ws)
            self._hub.remove(conn)
            self.connections.discard(conn)
            self._admitted.discard(ws)
            self._metrics.connections.dec()
            await conn.close()
            log.debug("connection %s closed after %.1f s", ws.id, time.monotonic() - started)
