"""One client connection: who it is, its bounded send queue, and gap-free event delivery around ``sync``."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import Sequence
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from .limits import Limits
from .metrics import Metrics
from .store import Account, HubEvent
from .wire import text_frame, wire_bytes

log = logging.getLogger(__name__)

#: Close code of a connection whose sign-in ended on the server: its token was revoked (signed
#: out elsewhere), its account removed, or its password changed.
SIGNED_OUT = 4003

#: Live events held back while a ``sync`` replay is being sent.
SYNC_BUFFER_LIMIT = 50_000
#: How long a replay may wait for room in the send queue.
REPLAY_WAIT_S = 30.0
#: Events are written straight to a socket holding at most this many unsent bytes; past it
#: they wait in the bounded send queue (a client that stopped reading fills that, and is dropped).
DIRECT_WRITE_BYTES = 64 * 1024


def remote_address(ws: ServerConnection) -> str:
    """The peer's IP address of a WebSocket connection ("" when unknown)."""
    peer = ws.remote_address
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer or "")


class Connection:
    """Per-connection state, driven from the loop thread only.

    Events reach the client only after it has sent ``sync``. While a sync is
    being answered, live events are buffered; after the reply and the replay
    the buffer is flushed, dropping anything already sent (by ``seq``), and
    only then does the connection go live — so nothing is lost, repeated or
    reordered around the replay.

    Frames wait for the client in a queue bounded both in frames and in bytes
    (``limits.send_queue``, ``limits.send_queue_bytes``); a client that lets
    either fill up has stopped reading and is disconnected, its queue dropped.
    """

    def __init__(
        self, ws: ServerConnection, metrics: Metrics | None = None, limits: Limits | None = None
    ) -> None:
        limits = limits if limits is not None else Limits()
        self.ws = ws
        self.account: Account | None = None
        #: The SHA-256 of the token this connection signed in with (None before sign-in).
        self.token_hash: str | None = None
        self.mode = "idle"  # idle → syncing → live
        self.last_seq = 0
        self.closed = False
        self.bucket = limits.bucket()
        self._prev_mode = "idle"
        self._buffer: list[HubEvent] = []
        self._pending_sync: tuple[int, list[HubEvent] | None, int] | None = None
        self._metrics = metrics
        self._max_bytes = limits.send_queue_bytes
        self._queued_bytes = 0
        self._room = asyncio.Event()
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=limits.send_queue)
        #: The writer task is inside ``ws.send`` (a frame of the queue is on its way).
        self._sending = False
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    @property
    def address(self) -> str:
        """The remote IP address (empty when the socket has none)."""
        return remote_address(self.ws)

    @property
    def private(self) -> bool:
        """Whether what this connection carries is safe from the network: TLS, or a peer on this
        same computer (loopback)."""
        if self.ws.transport.get_extra_info("ssl_object") is not None:
            return True
        try:
            return ipaddress.ip_address(self.address).is_loopback
        except ValueError:  # no address (a socket of another kind)
            return False

    def sign_out(self) -> None:
        """Forget who this is: back to an unauthenticated connection that receives no events."""
        self.account = None
        self.token_hash = None
        self.mode = "idle"
        self._buffer = []
        self._pending_sync = None

    async def end(self, code: int, reason: str) -> None:
        """Close the WebSocket with ``code`` and ``reason`` (the reader then ends the connection)."""
        self.sign_out()
        with contextlib.suppress(Exception):
            await self.ws.close(code, reason)

    # -- sending ---------------------------------------------------------------
    @property
    def queued(self) -> tuple[int, int]:
        """Frames and bytes waiting for the client."""
        return self._queue.qsize(), self._queued_bytes

    async def _write_loop(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                payload = await self._queue.get()
                self._queued_bytes -= len(payload)
                self._room.set()
                self._sending = True
                try:
                    await self.ws.send(payload, text=True)
                finally:
                    self._sending = False

    def _write_now(self, payloads: Sequence[bytes], frames: Sequence[bytes] | None = None) -> bool:
        """Frame ``payloads`` and hand them to the socket at once, in one write, without a task
        switch — when nothing waits before them (queue empty, the writer idle) and the socket's
        buffer is nearly empty, as for a client that keeps up. Otherwise False: they go through
        the bounded queue and its writer, which waits for a slow client to drain.

        ``frames`` are the payloads already framed (an event's frame is made once for every
        recipient): used as they are on a connection without extensions; one that negotiated
        compression has websockets frame each payload for it."""
        ws = self.ws
        transport = ws.transport
        if (self._sending or self._queued_bytes or not self._queue.empty() or transport is None
                or ws.protocol.state is not State.OPEN or transport.is_closing()
                or getattr(ws, "send_in_progress", None) is not None
                or transport.get_write_buffer_size() > DIRECT_WRITE_BYTES):
            return False
        protocol = ws.protocol
        if protocol.extensions:
            for payload in payloads:
                protocol.send_text(payload)
            transport.writelines(protocol.data_to_send())
            return True
        # What websockets still holds goes first (nothing, between its own writes), then the frames.
        pending = protocol.data_to_send()
        framed = list(frames) if frames is not None else [text_frame(p) for p in payloads]
        transport.writelines([*pending, *framed] if pending else framed)
        return True

    def _fits(self, payload: bytes) -> bool:
        # One frame always fits an empty queue, however large (frames are at most about 1 MiB).
        return self._queued_bytes == 0 or self._queued_bytes + len(payload) <= self._max_bytes

    def _put(self, payload: bytes) -> None:
        self._queue.put_nowait(payload)
        self._queued_bytes += len(payload)

    def send(self, frame: dict[str, Any]) -> None:
        """Queue a frame; a client whose queue is full has stopped reading and is dropped."""
        self.send_payload(wire_bytes(frame))

    def send_payload(self, payload: bytes) -> None:
        """Queue an already encoded frame (an event's payload is shared by every recipient)."""
        if self.closed or self._write_now((payload,)):
            return
        if not self._fits(payload) or self._queue.full():
            self.overflow()
            return
        self._put(payload)

    async def send_wait(self, payload: bytes) -> None:
        """Queue ``payload``, waiting up to ``REPLAY_WAIT_S`` for room (used while replaying)."""
        deadline = asyncio.get_running_loop().time() + REPLAY_WAIT_S
        while not self.closed and (self._queue.full() or not self._fits(payload)):
            self._room.clear()
            remaining = deadline - asyncio.get_running_loop().time()
            try:
                await asyncio.wait_for(self._room.wait(), max(remaining, 0.0))
            except TimeoutError:
                self.overflow()
        if not self.closed:
            self._put(payload)

    def overflow(self) -> None:
        if self.closed:
            return
        frames, size = self.queued
        log.warning(
            "dropping connection %s: it stopped reading (%d frames, %d bytes waiting)",
            self.ws.id, frames, size,
        )
        if self._metrics is not None:
            self._metrics.dropped.inc()
        self.closed = True
        self._writer.cancel()
        self._release_queue()
        transport = self.ws.transport
        if transport is not None:
            transport.abort()

    def _release_queue(self) -> None:
        self._queue = asyncio.Queue(maxsize=1)
        self._queued_bytes = 0
        self._buffer = []
        self._room.set()

    async def close(self) -> None:
        self.closed = True
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        self._release_queue()

    # -- events ----------------------------------------------------------------
    def deliver(self, events: list[HubEvent]) -> None:
        if self.closed or self.account is None or self.mode == "idle":
            return
        uid = self.account.id
        visible = [e for e in events if e.visible_to(uid)]
        if self.mode == "syncing":
            self._buffer.extend(visible)
            if len(self._buffer) > SYNC_BUFFER_LIMIT:
                self.overflow()
            return
        fresh = []
        for e in visible:
            if e.event.seq > self.last_seq:
                self.last_seq = e.event.seq
                fresh.append(e)
        if not fresh:
            return
        if self._write_now([e.payload for e in fresh], [e.frame for e in fresh]):
            return
        for e in fresh:
            self.send_payload(e.payload)

    def begin_sync(self) -> None:
        """Start holding live events back; call before reading the head and the replay."""
        if self.mode != "syncing":
            self._prev_mode = self.mode
        self.mode = "syncing"
        self._buffer = []

    def plan_sync(self, since: int, replay: list[HubEvent] | None, head: int) -> None:
        """Remember what to send after the sync reply (``replay`` None: not recovered)."""
        self._pending_sync = (since, replay, head)

    def abort_sync(self) -> None:
        """The sync failed: go back to how things were, without losing buffered events."""
        if self.mode != "syncing":
            return
        buffered, self._buffer = self._buffer, []
        self.mode = self._prev_mode
        if self.mode == "live":
            self.deliver(buffered)

    async def finish_sync(self) -> None:
        """After the sync reply is queued: the replay, then the buffered live events, then go live."""
        plan, self._pending_sync = self._pending_sync, None
        if plan is None or self.account is None:
            self.abort_sync()
            return
        since, replay, head = plan
        uid = self.account.id
        self.last_seq = since if replay is not None else head
        for e in replay or ():
            if e.event.seq > self.last_seq and e.visible_to(uid):
                self.last_seq = e.event.seq
                await self.send_wait(e.payload)
        self.last_seq = max(self.last_seq, head)
        while self._buffer:
            e = self._buffer.pop(0)
            if e.event.seq > self.last_seq:
                self.last_seq = e.event.seq
                await self.send_wait(e.payload)
        self.mode = "live"  # no await between the empty check and this line
