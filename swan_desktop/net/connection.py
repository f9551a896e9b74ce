"""A client connection to swan-server: authenticate, sync, requests with ids and
timeouts, and a stream of events handed to a callback.

Every request carries an id and waits at most its timeout; a lost connection
fails every pending request at once with :class:`ConnectionLost`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidURI, WebSocketException

from .. import __version__
from ..protocol.entities import User
from ..protocol.errors import ErrorCode, ProtocolError
from ..protocol.frames import MAX_FRAME_BYTES, Event, encode
from .tls import Trust, address

log = logging.getLogger(__name__)

#: Frames handled before the reader gives the loop a turn.
YIELD_EVERY_FRAMES = 32

DEFAULT_TIMEOUT = 10.0
#: What the desktop says about itself when it signs in (``authenticate``'s optional ``client``).
CLIENT = {"app": "swan-desktop", "version": __version__}


class ConnectionLost(ConnectionError):
    """The connection is not open, or closed while a request was waiting.

    A ConnectionError, so that code which handles "the network failed" in
    general (``except (ConnectionError, TimeoutError)``) handles this too.
    """


class CertificateRejected(ConnectionLost):
    """The server's TLS certificate did not verify; retrying will not help. ``url``: whose it was."""

    def __init__(self, message: str, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class ImpersonationSuspected(CertificateRejected):
    """A server whose studio CA this desktop trusts presented a certificate from another authority."""


class RequestTimeout(TimeoutError):
    """No reply arrived within the request's timeout."""


#: The server closed this user's connections for good: the account was deactivated.
CLOSE_DEACTIVATED = 4003


@dataclass(frozen=True)
class AuthInfo:
    token: str
    expires_at: str
    user: User
    server_time: str
    epoch: str
    seq: int
    #: ``{"required": False, "latest", "url"}`` when the server knows of a newer desktop.
    update: dict[str, Any] | None = None


def new_request_id() -> str:
    return uuid.uuid4().hex


class Connection:
    """One WebSocket to the server; ``on_event`` receives events in arrival order."""

    def __init__(self, url: str, *, ssl_context: ssl.SSLContext | Trust | None = None,
                 request_timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url
        self._ssl = ssl_context
        self.request_timeout = request_timeout
        self.on_event: Callable[[Event], None] | None = None
        self.on_closed: Callable[[Exception | None], None] | None = None
        #: Told of every frame in and out (for metrics); never blocks.
        self.on_traffic: Callable[[str], None] | None = None
        self.auth: AuthInfo | None = None
        self._ws: ClientConnection | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._on_reply: dict[str, Callable[[dict[str, Any]], None]] = {}
        self._reader: asyncio.Task[None] | None = None
        #: The close frame the server sent (code, reason), once the connection has closed.
        self.close_code: int | None = None
        self.close_reason = ""

    @property
    def is_open(self) -> bool:
        return self._ws is not None and self._reader is not None and not self._reader.done()

    async def open(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        kwargs: dict[str, Any] = {"max_size": MAX_FRAME_BYTES, "open_timeout": timeout,
                                  "ping_interval": None, "close_timeout": 2}
        trust = self._ssl if isinstance(self._ssl, Trust) else None
        if self.url.startswith("wss://"):
            kwargs["ssl"] = (trust.context_for(self.url) if trust is not None
                             else self._ssl or ssl.create_default_context())
        try:
            self._ws = await connect(self.url, **kwargs)
        except ssl.SSLCertVerificationError as exc:
            reason = exc.verify_message or str(exc)
            if trust is not None and trust.pinned(self.url):
                host, port = address(self.url)
                raise ImpersonationSuspected(
                    f"Warning: the server at {host}:{port} presented a certificate that does not come "
                    "from the studio certificate authority this computer trusts for it "
                    f"({reason}). Someone may be impersonating the studio server. Swan did not "
                    "connect and sent nothing; tell your studio's administrator.", self.url) from exc
            raise CertificateRejected(
                f"The server's certificate was refused ({reason}). Swan will not connect to a "
                "server it cannot verify; ask your administrator for the studio's certificate "
                "authority file.", self.url) from exc
        except (OSError, InvalidURI, WebSocketException, TimeoutError) as exc:
            raise ConnectionLost(f"cannot reach {self.url}: {exc}") from exc
        self._reader = asyncio.ensure_future(self._read_loop(self._ws))

    async def authenticate(self, credentials: dict[str, Any]) -> AuthInfo:
        """Sign in, saying which desktop this is (a server older than that field is asked again
        without it). A desktop the server no longer serves gets ``forbidden`` (``update_required``)."""
        try:
            data = await self.request("authenticate", {**credentials, "client": CLIENT})
        except ProtocolError as exc:
            if exc.code is not ErrorCode.INVALID or "client" not in (exc.data or {}).get("fields", ()):
                raise
            data = await self.request("authenticate", credentials)
        update = data.get("update")
        self.auth = AuthInfo(token=data["token"], expires_at=data["expires_at"],
                             user=User.from_wire(data["user"]), server_time=data["server_time"],
                             epoch=data["epoch"], seq=int(data["seq"]),
                             update=update if isinstance(update, dict) else None)
        return self.auth

    async def sync(self, since: tuple[str, int] | None = None,
                   on_reply: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
        """``on_reply`` sees the reply data before any event that follows it is handed on."""
        data = {} if since is None else {"since": {"epoch": since[0], "seq": since[1]}}
        return await self.request("sync", data, on_reply=on_reply)

    async def request(self, rtype: str, data: dict[str, Any], *, request_id: str | None = None,
                      timeout: float | None = None,
                      on_reply: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
        """Send one request and return its reply ``data``; errors raise ProtocolError.

        ``on_reply`` (optional) runs inside the reader as soon as a successful
        reply arrives, before the frames behind it: the place to move a cursor
        that the following events depend on.
        """
        ws = self._ws
        if ws is None or not self.is_open:
            raise ConnectionLost("not connected")
        rid = request_id or new_request_id()
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[rid] = future
        if on_reply is not None:
            self._on_reply[rid] = on_reply
        try:
            await ws.send(encode({"type": rtype, "id": rid, "data": data}))
            if self.on_traffic is not None:
                self.on_traffic("out")
            # Not asyncio.wait_for: on Python 3.11 it drops a cancellation that comes
            # together with the reply, and the cancelled caller carries on.
            async with asyncio.timeout(timeout or self.request_timeout):
                reply = await future
        except ConnectionClosed as exc:
            raise ConnectionLost(f"connection closed: {exc}") from exc
        except TimeoutError:
            raise RequestTimeout(f"{rtype} got no reply within {timeout or self.request_timeout:.0f} s") \
                from None
        finally:
            self._pending.pop(rid, None)
            self._on_reply.pop(rid, None)
        if reply.get("ok"):
            result = reply.get("data")
            return result if isinstance(result, dict) else {}
        raise ProtocolError.from_wire(reply.get("error"))

    async def _read_loop(self, ws: ClientConnection) -> None:
        error: Exception | None = None
        try:
            handled = 0
            async for raw in ws:
                self._handle_frame(raw)
                handled += 1
                if handled % YIELD_EVERY_FRAMES == 0:
                    # A backlog (a storm, a replay) is read without waiting, in one go: let
                    # the GUI loop paint and answer the user between every few dozen frames.
                    await asyncio.sleep(0)
        except ConnectionClosed as exc:
            error = exc
        except Exception as exc:
            log.exception("connection reader failed")
            error = exc
        finally:
            received = ws.protocol.close_rcvd  # the server's own close frame, not ours
            if received is not None:
                self.close_code, self.close_reason = received.code, received.reason
            self._fail_pending(ConnectionLost(f"connection closed: {error or 'by server'}"))
            if self.on_closed is not None:
                self.on_closed(error)

    def _handle_frame(self, raw: str | bytes) -> None:
        try:
            frame = json.loads(raw)
        except ValueError:
            log.warning("server sent a frame that is not JSON; ignored")
            return
        if not isinstance(frame, dict):
            return
        if self.on_traffic is not None:
            self.on_traffic("in")
        ftype = frame.get("type")
        if ftype == "reply":
            rid = str(frame.get("re"))
            future = self._pending.get(rid)
            if future is not None and not future.done():
                hook = self._on_reply.pop(rid, None)
                if hook is not None and frame.get("ok") and isinstance(frame.get("data"), dict):
                    hook(frame["data"])
                future.set_result(frame)
        elif ftype == "event":
            try:
                event = Event.from_wire(frame)
            except (KeyError, TypeError, ValueError):
                log.warning("malformed event frame ignored: %.200s", raw)
                return
            if self.on_event is not None:
                self.on_event(event)
        elif ftype == "error":
            log.warning("server error frame: %s", frame.get("error"))

    def _fail_pending(self, exc: Exception) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(exc)
        self._pending.clear()

    def abort(self) -> None:
        """Drop the connection at once, without a closing handshake (a stalled peer
        would never answer one)."""
        ws = self._ws
        if ws is not None and ws.transport is not None:
            ws.transport.abort()

    async def close(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close()
        reader, self._reader = self._reader, None
        if reader is not None:
            # Bounded, and a cancellation of close() itself still goes through.
            await asyncio.wait({reader}, timeout=5)
            if not reader.done():
                reader.cancel()


def is_auth_failure(exc: BaseException) -> bool:
    return isinstance(exc, ProtocolError) and exc.code is ErrorCode.UNAUTHORIZED
