"""A TCP proxy for chaos tests: sits between a client and a server on loopback
and breaks the line on command.

    proxy = ChaosProxy("127.0.0.1", server_port)
    port = await proxy.start()          # point the client at 127.0.0.1:port
    proxy.cut()                         # abort every current connection at once
    proxy.stall(True)                   # keep sockets open, forward nothing (bytes are dropped)
    proxy.hold(True)                    # keep the server's bytes back (none lost) until hold(False)
    proxy.refuse(True)                  # accept new connections and close them at once
    await proxy.stop()

Bounded: at most ``max_connections`` at a time (more are refused), reads of at
most 64 KiB, and it listens and connects on loopback only.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field

CHUNK = 64 * 1024
LISTEN_HOST = "127.0.0.1"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(eq=False)
class _Link:
    """One client connection and its upstream twin."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def writers(self) -> list[asyncio.StreamWriter]:
        return [w for w in (self.client, self.upstream) if w is not None]

    def abort(self) -> None:
        for writer in self.writers():
            writer.transport.abort()


class ChaosProxy:
    """Forwards TCP between loopback clients and ``target_host:target_port``."""

    def __init__(self, target_host: str, target_port: int, *, max_connections: int = 64) -> None:
        if not _is_loopback(target_host):
            raise ValueError(f"ChaosProxy only proxies to loopback, not {target_host!r}")
        self.target_host = target_host
        self.target_port = target_port
        self.max_connections = max_connections
        self.port: int | None = None
        self.accepted = 0           # connections accepted (including refused ones)
        self.refused = 0            # connections closed at once (refuse mode or over the bound)
        self.cuts = 0               # calls to cut()
        self.connections_cut = 0    # connections aborted by cut()
        self.bytes_forwarded = 0
        self.bytes_swallowed = 0
        self.bytes_held = 0         # bytes from the server waiting in the proxy just now
        self._stalled = False
        self._released = asyncio.Event()
        self._released.set()
        self._refusing = False
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        self._handlers: set[asyncio.Task[None]] = set()

    # -- control -------------------------------------------------------------------
    async def start(self) -> int:
        """Listen on a free loopback port and return it."""
        if self._server is not None:
            raise RuntimeError("already started")
        self._server = await asyncio.start_server(self._accept, LISTEN_HOST, 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        """Stop listening, abort every connection and wait for the pumps to end."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for link in list(self._links):
            link.abort()
        pumps = [t for link in self._links for t in link.tasks]
        for task in pumps:
            task.cancel()
        # The connection handlers end once their pumps have; cancelling them
        # instead would make asyncio's stream callback raise CancelledError.
        if pumps or self._handlers:
            await asyncio.gather(*pumps, *self._handlers, return_exceptions=True)
        self._links.clear()

    def cut(self) -> int:
        """Abort every current connection (both sides see a reset); returns how many."""
        self.cuts += 1
        links = list(self._links)
        for link in links:
            link.abort()
        self.connections_cut += len(links)
        return len(links)

    def stall(self, on: bool = True) -> None:
        """While stalled, connections stay open but bytes in both directions are dropped."""
        self._stalled = on

    def hold(self, on: bool = True) -> None:
        """While held, what the server sends waits in the proxy (requests still go through); it is
        delivered, in order and whole, once released: a slow line, not a broken one."""
        if on:
            self._released.clear()
        else:
            self._released.set()

    def refuse(self, on: bool = True) -> None:
        """While refusing, new connections are accepted and closed at once."""
        self._refusing = on

    @property
    def active(self) -> int:
        return len(self._links)

    async def wait_for_connections(self, count: int, timeout: float = 5.0) -> None:
        """Wait until at least ``count`` connections are being proxied."""
        async with asyncio.timeout(timeout):
            while self.active < count:
                await asyncio.sleep(0.005)

    # -- plumbing --------------------------------------------------------------------
    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            if self._refusing or len(self._links) >= self.max_connections:
                self.refused += 1
                writer.transport.abort()
                return
            await self._proxy(reader, writer)
        finally:
            if task is not None:
                self._handlers.discard(task)

    async def _proxy(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = _Link(client=writer)
        self._links.add(link)
        try:
            try:
                up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
            except OSError:
                writer.transport.abort()
                return
            link.upstream = up_writer
            link.tasks = [asyncio.ensure_future(self._pump(reader, up_writer, link)),
                          asyncio.ensure_future(self._pump(up_reader, writer, link, from_server=True))]
            await asyncio.gather(*link.tasks, return_exceptions=True)
        finally:
            for task in link.tasks:
                task.cancel()
            if link.tasks:
                await asyncio.gather(*link.tasks, return_exceptions=True)
            for w in link.writers():
                w.close()
            self._links.discard(link)

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, link: _Link, *,
                    from_server: bool = False) -> None:
        """Copy one direction; pass an orderly end on, and turn a broken side into a reset of both."""
        try:
            while True:
                chunk = await source.read(CHUNK)
                if not chunk:
                    if sink.can_write_eof() and not sink.is_closing():
                        sink.write_eof()
                    return
                if self._stalled:
                    self.bytes_swallowed += len(chunk)
                    continue
                if from_server and not self._released.is_set():
                    self.bytes_held += len(chunk)
                    try:
                        await self._released.wait()
                    finally:
                        self.bytes_held -= len(chunk)
                sink.write(chunk)
                await sink.drain()
                self.bytes_forwarded += len(chunk)
        except OSError:
            link.abort()
