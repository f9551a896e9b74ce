"""WebSocket endpoint and plain-HTTP ``/health`` and ``/metrics`` on the same port.

It also enforces the connection limit: past ``limits.max_connections`` open
(or opening) WebSocket connections, a new handshake is answered with HTTP 503
and a ``Retry-After`` header, and counted in ``swan_connections_refused_total``.
"""

from __future__ import annotations

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
from .connection import Connection
from .handlers import Dispatcher
from .hub import Hub
from .limits import Limits
from .metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)

#: Seconds a refused client is told to wait (``Retry-After``) before trying again.
RETRY_AFTER_S = 5

HealthProbe = Callable[[], Awaitable[dict[str, Any]]]
#: A feature's HTTP GET route: given the path, (status, content type, body[, more headers]), or None
#: when not its path. The path is an :class:`HttpGet`: a ``str`` that also carries the request headers.
HttpRoute = Callable[[str], Awaitable[tuple[Any, ...] | None]]


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
    ) -> None:
        self._dispatcher = dispatcher
        self._hub = hub
        self._metrics = metrics
        self._health = health
        self._limits = limits
        self._compression = compression
        self._metrics_token = metrics_token
        self._server: Server | None = None
        #: WebSocket handshakes let through, until their connection ends (counted for the limit).
        self._admitted: set[ServerConnection] = set()
        self.connections: set[Connection] = set()
        #: More plain-HTTP paths, tried in order before the 404 (e.g. the calendar's ICS feeds).
        self.http_routes: list[HttpRoute] = []

    async def start(self, host: str, port: int, ssl: Any = None) -> int:
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
        if self._server is None:
            return
        self._server.close(close_connections=True)
        await self._server.wait_closed()
        self._server = None

    async def _process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/health":
            report = await self._health()
            status = HTTPStatus.OK if report.get("status") == "ok" else HTTPStatus.SERVICE_UNAVAILABLE
            return _response(status, "application/json", json.dumps(report).encode())
        if path == "/metrics":
            if not self._metrics_allowed(request):
                response = _response(HTTPStatus.UNAUTHORIZED, "text/plain; charset=utf-8",
                                     b"metrics need Authorization: Bearer <token>\n")
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
        return self._admit(ws)

    def _metrics_allowed(self, request: Request) -> bool:
        if not self._metrics_token:
            return True
        given = request.headers.get("Authorization", "")
        given = "Bearer " + given[7:] if given[:7].lower() == "bearer " else given  # the scheme's case
        expected = f"Bearer {self._metrics_token}"
        return hmac.compare_digest(given.encode(), expected.encode())

    def _admit(self, ws: ServerConnection) -> Response | None:
        """Let a handshake through, or refuse it with 503 when the server is full."""
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
        return None

    def _process_response(self, ws: ServerConnection, request: Request, response: Response) -> None:
        if response.status_code != HTTPStatus.SWITCHING_PROTOCOLS:
            self._admitted.discard(ws)

    async def _handle(self, ws: ServerConnection) -> None:
        conn = Connection(ws, self._metrics, self._limits)
        self.connections.add(conn)
        self._hub.add(conn)
        self._metrics.connections.inc()
        started = time.monotonic()
        try:
            async for message in ws:
                await self._dispatcher.handle(conn, message)
                if conn.closed:
                    break
        except ConnectionClosed:
            pass
        finally:
            self._hub.remove(conn)
            self.connections.discard(conn)
            self._admitted.discard(ws)
            self._metrics.connections.dec()
            await conn.close()
            log.debug("connection %s closed after %.1f s", ws.id, time.monotonic() - started)
