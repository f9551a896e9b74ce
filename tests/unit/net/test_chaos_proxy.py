"""The chaos proxy itself: it forwards, and it cuts, stalls and refuses on command."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed, InvalidMessage
from websockets.protocol import State

from tests.support.proxy import ChaosProxy

BOUND = 5.0  # no wait in these tests may take longer than this


class EchoServer:
    """A tiny asyncio TCP echo server on loopback."""

    def __init__(self) -> None:
        self.server: asyncio.Server | None = None
        self.port = 0
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._echo, "127.0.0.1", 0)
        self.port = int(self.server.sockets[0].getsockname()[1])

    async def _echo(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        try:
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.transport.abort()
        await self.server.wait_closed()


@pytest.fixture
async def echo() -> AsyncIterator[EchoServer]:
    server = EchoServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def proxy(echo: EchoServer) -> AsyncIterator[ChaosProxy]:
    chaos = ChaosProxy("127.0.0.1", echo.port)
    await chaos.start()
    yield chaos
    await chaos.stop()


async def open_client(proxy: ChaosProxy) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    assert proxy.port is not None
    return await asyncio.open_connection("127.0.0.1", proxy.port)


async def read_until_closed(reader: asyncio.StreamReader) -> bytes:
    """Everything left until the peer closes; a reset counts as closed."""
    data = b""
    try:
        async with asyncio.timeout(BOUND):
            while chunk := await reader.read(65536):
                data += chunk
    except ConnectionResetError:
        pass
    return data


async def test_bytes_flow_both_ways_through_the_proxy(proxy: ChaosProxy) -> None:
    reader, writer = await open_client(proxy)
    writer.write(b"hello")
    assert await asyncio.wait_for(reader.readexactly(5), BOUND) == b"hello"
    payload = bytes(range(256)) * 4096  # 1 MiB, more than one read
    writer.write(payload)
    assert await asyncio.wait_for(reader.readexactly(len(payload)), BOUND) == payload
    assert proxy.accepted == 1 and proxy.active == 1
    assert proxy.bytes_forwarded == 2 * (5 + len(payload))
    writer.close()
    await writer.wait_closed()


async def test_an_orderly_close_is_passed_on(proxy: ChaosProxy) -> None:
    reader, writer = await open_client(proxy)
    writer.write(b"bye")
    writer.write_eof()
    assert await read_until_closed(reader) == b"bye"
    writer.close()


async def test_cut_closes_every_current_connection_at_once(proxy: ChaosProxy) -> None:
    clients = [await open_client(proxy) for _ in range(3)]
    await proxy.wait_for_connections(3)
    assert proxy.cut() == 3
    for reader, writer in clients:
        assert await read_until_closed(reader) == b""
        writer.close()
    assert proxy.cuts == 1 and proxy.connections_cut == 3
    # The proxy itself keeps working: a new connection gets through.
    reader, writer = await open_client(proxy)
    writer.write(b"again")
    assert await asyncio.wait_for(reader.readexactly(5), BOUND) == b"again"
    writer.close()


async def test_stall_keeps_the_socket_open_but_nothing_arrives(proxy: ChaosProxy) -> None:
    reader, writer = await open_client(proxy)
    await proxy.wait_for_connections(1)
    proxy.stall(True)
    writer.write(b"anyone there?")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(reader.read(100), 0.3)
    assert not reader.at_eof() and not writer.is_closing()
    assert proxy.active == 1 and proxy.bytes_swallowed == len(b"anyone there?")
    proxy.stall(False)
    writer.write(b"back")
    assert await asyncio.wait_for(reader.readexactly(4), BOUND) == b"back"
    writer.close()


async def test_hold_keeps_the_servers_bytes_back_and_delivers_them_in_order_when_released(
        proxy: ChaosProxy) -> None:
    reader, writer = await open_client(proxy)
    writer.write(b"warm-up")
    assert await asyncio.wait_for(reader.readexactly(7), BOUND) == b"warm-up"
    proxy.hold(True)
    writer.write(b"first")
    async with asyncio.timeout(BOUND):
        while proxy.bytes_held < len(b"first"):     # echoed by the server, waiting in the proxy
            await asyncio.sleep(0.005)
    writer.write(b"second")
    async with asyncio.timeout(BOUND):
        while proxy.bytes_forwarded < 2 * 7 + len(b"first") + len(b"second"):  # requests still go up
            await asyncio.sleep(0.005)
    assert proxy.bytes_forwarded == 2 * 7 + len(b"first") + len(b"second"), "nothing came down while held"
    proxy.hold(False)
    assert await asyncio.wait_for(reader.readexactly(11), BOUND) == b"firstsecond"
    assert proxy.bytes_held == 0 and proxy.bytes_swallowed == 0
    writer.close()


async def test_refuse_closes_new_connections_at_once_until_lifted(proxy: ChaosProxy) -> None:
    proxy.refuse(True)
    reader, writer = await open_client(proxy)
    writer.write(b"hello?")
    assert await read_until_closed(reader) == b""
    writer.close()
    assert proxy.refused == 1 and proxy.active == 0
    proxy.refuse(False)
    reader, writer = await open_client(proxy)
    writer.write(b"hello")
    assert await asyncio.wait_for(reader.readexactly(5), BOUND) == b"hello"
    writer.close()


async def test_connections_beyond_the_bound_are_refused(echo: EchoServer) -> None:
    chaos = ChaosProxy("127.0.0.1", echo.port, max_connections=2)
    await chaos.start()
    try:
        held = [await open_client(chaos) for _ in range(2)]
        await chaos.wait_for_connections(2)
        reader, writer = await open_client(chaos)
        assert await read_until_closed(reader) == b""
        writer.close()
        assert chaos.refused == 1 and chaos.active == 2
        for _, w in held:
            w.close()
    finally:
        await chaos.stop()


async def test_stop_ends_live_connections(echo: EchoServer) -> None:
    chaos = ChaosProxy("127.0.0.1", echo.port)
    await chaos.start()
    reader, writer = await open_client(chaos)
    await chaos.wait_for_connections(1)
    await chaos.stop()
    assert await read_until_closed(reader) == b""
    assert chaos.active == 0
    writer.close()


async def test_a_dead_target_closes_the_client_connection() -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = int(probe.sockets[0].getsockname()[1])
    probe.close()
    await probe.wait_closed()
    chaos = ChaosProxy("127.0.0.1", port)
    await chaos.start()
    try:
        reader, writer = await open_client(chaos)
        assert await read_until_closed(reader) == b""
        writer.close()
    finally:
        await chaos.stop()


def test_only_loopback_targets_are_allowed() -> None:
    with pytest.raises(ValueError, match="loopback"):
        ChaosProxy("10.1.2.3", 80)
    with pytest.raises(ValueError, match="loopback"):
        ChaosProxy("example.com", 80)
    assert ChaosProxy("localhost", 80).target_host == "localhost"
    assert ChaosProxy("::1", 80).target_host == "::1"


# -- against a real WebSocket server -------------------------------------------------

class ThreadedWebSocketEcho:
    """A websockets echo server on its own asyncio loop in its own thread, as the
    real server runs beside the desktop client."""

    def __init__(self) -> None:
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        # A plain asyncio loop, whatever loop the test itself runs on.
        with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
            runner.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()

        async def echo(ws: ServerConnection) -> None:
            with contextlib.suppress(ConnectionClosed):
                async for message in ws:
                    await ws.send(message)

        async with serve(echo, "127.0.0.1", 0, close_timeout=0.5) as server:
            self.port = int(next(iter(server.sockets)).getsockname()[1])
            self._ready.set()
            await self._stop.wait()

    def start(self) -> None:
        # Collect the previous tests' garbage here, on the Qt thread: the cyclic
        # collector may otherwise free a Qt timer from the server thread.
        gc.collect()
        self._thread.start()
        assert self._ready.wait(BOUND), "websocket echo server did not start"

    def stop(self) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(BOUND)
        assert not self._thread.is_alive()


@pytest.fixture
async def ws_proxy() -> AsyncIterator[ChaosProxy]:
    server = ThreadedWebSocketEcho()
    server.start()
    chaos = ChaosProxy("127.0.0.1", server.port)
    await chaos.start()
    try:
        yield chaos
    finally:
        await chaos.stop()
        server.stop()


def ws_url(proxy: ChaosProxy) -> str:
    return f"ws://127.0.0.1:{proxy.port}"


async def test_websocket_messages_pass_through(ws_proxy: ChaosProxy) -> None:
    async with connect(ws_url(ws_proxy), ping_interval=None, open_timeout=BOUND) as ws:
        await ws.send("ping")
        assert await asyncio.wait_for(ws.recv(), BOUND) == "ping"
        await ws.send(b"\x00" * 200_000)
        assert await asyncio.wait_for(ws.recv(), BOUND) == b"\x00" * 200_000


async def test_websocket_client_sees_the_connection_closed_after_a_cut(ws_proxy: ChaosProxy) -> None:
    async with connect(ws_url(ws_proxy), ping_interval=None, open_timeout=BOUND,
                       close_timeout=0.5) as ws:
        await ws.send("before")
        assert await asyncio.wait_for(ws.recv(), BOUND) == "before"
        ws_proxy.cut()
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), BOUND)
        assert ws.state is State.CLOSED


async def test_websocket_request_times_out_while_stalled_with_the_socket_open(
        ws_proxy: ChaosProxy) -> None:
    async with connect(ws_url(ws_proxy), ping_interval=None, open_timeout=BOUND,
                       close_timeout=0.5) as ws:
        ws_proxy.stall(True)
        await ws.send("is anyone there?")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.recv(), 0.3)
        assert ws.state is State.OPEN
        assert ws_proxy.active == 1
        ws_proxy.cut()  # let the test end without waiting for a close handshake


async def test_websocket_connect_fails_while_refusing(ws_proxy: ChaosProxy) -> None:
    ws_proxy.refuse(True)
    with pytest.raises((InvalidMessage, ConnectionError, EOFError)):
        async with connect(ws_url(ws_proxy), open_timeout=BOUND):
            pass
    assert ws_proxy.refused == 1
    ws_proxy.refuse(False)
    async with connect(ws_url(ws_proxy), ping_interval=None, open_timeout=BOUND) as ws:
        await ws.send("ok")
        assert await asyncio.wait_for(ws.recv(), BOUND) == "ok"
