"""One client connection: who it is, its bounded send queue, and gap-free event delivery around ``sync``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from ..protocol.frames import encode
from .metrics import Metrics
from .store import Account, HubEvent

log = logging.getLogger(__name__)

#: Frames waiting for a client that reads slowly; past this it is disconnected.
SEND_QUEUE_LIMIT = 2000
#: Live events held back while a ``sync`` replay is being sent.
SYNC_BUFFER_LIMIT = 50_000
#: How long a replay may wait for room in the send queue.
REPLAY_WAIT_S = 30.0


class Connection:
    """Per-connection state, driven from the loop thread only.

    Events reach the client only after it has sent ``sync``. While a sync is
    being answered, live events are buffered; after the reply and the replay
    the buffer is flushed, dropping anything already sent (by ``seq``), and
    only then does the connection go live — so nothing is lost, repeated or
    reordered around the replay.
    """

    def __init__(
        self, ws: ServerConnection, metrics: Metrics | None = None, queue_limit: int = SEND_QUEUE_LIMIT
    ) -> None:
        self.ws = ws
        self.account: Account | None = None
        self.mode = "idle"  # idle → syncing → live
        self.last_seq = 0
        self.closed = False
        self._prev_mode = "idle"
        self._buffer: list[HubEvent] = []
        self._pending_sync: tuple[int, list[HubEvent] | None, int] | None = None
        self._metrics = metrics
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=queue_limit)
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    # -- sending ---------------------------------------------------------------
    async def _write_loop(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                text = await self._queue.get()
                await self.ws.send(text)

    def send(self, frame: dict[str, Any]) -> None:
        """Queue a frame; a client whose queue is full has stopped reading and is dropped."""
        if self.closed:
            return
        try:
            self._queue.put_nowait(encode(frame))
        except asyncio.QueueFull:
            self.overflow()

    async def send_wait(self, frame: dict[str, Any]) -> None:
        if self.closed:
            return
        try:
            await asyncio.wait_for(self._queue.put(encode(frame)), REPLAY_WAIT_S)
        except TimeoutError:
            self.overflow()

    def overflow(self) -> None:
        if self.closed:
            return
        log.warning("dropping connection %s: it stopped reading (send queue full)", self.ws.id)
        if self._metrics is not None:
            self._metrics.dropped.inc()
        self.closed = True
        self._writer.cancel()
        transport = self.ws.transport
        if transport is not None:
            transport.abort()

    async def close(self) -> None:
        self.closed = True
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer

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
        for e in visible:
            if e.event.seq > self.last_seq:
                self.last_seq = e.event.seq
                self.send(e.event.to_wire())

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
                await self.send_wait(e.event.to_wire())
        self.last_seq = max(self.last_seq, head)
        while self._buffer:
            e = self._buffer.pop(0)
            if e.event.seq > self.last_seq:
                self.last_seq = e.event.seq
                await self.send_wait(e.event.to_wire())
        self.mode = "live"  # no await between the empty check and this line
