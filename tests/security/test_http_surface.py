"""The port's other doors: /metrics needs a token by default, and browser pages from other
origins cannot open a WebSocket (cross-site WebSocket hijacking)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from swan_desktop.server.embedded import EmbeddedServer
from tests.server.support import FAST_HASHER, WAIT, WsClient, add_users, start_server
from tests.support.server import http_get


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A server as ``swan-server serve --metrics-token s3cret --allow-origin https://admin.studio.lan``."""
    server = EmbeddedServer(tmp_path / "guarded.db", demo=False, hasher=FAST_HASHER)
    server.server.monitor.metrics_token = "s3cret"
    server.server.allowed_origins = frozenset({"https://admin.studio.lan"})
    server.start()
    add_users(server)
    yield server
    server.stop()


async def test_metrics_need_a_token_by_default(tmp_path: Path) -> None:
    server = start_server(tmp_path / "closed.db", demo=False, metrics_open=False)
    try:
        status, _, body = await http_get(server.port, "/metrics")
        assert status == 401 and b"--metrics-open" in body
        assert (await http_get(server.port, "/health"))[0] == 200
    finally:
        await asyncio.to_thread(server.stop)


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
async def test_the_metrics_bearer_scheme_is_case_insensitive(guarded: EmbeddedServer, scheme: str) -> None:
    status, _, body = await http_get(guarded.port, "/metrics", {"Authorization": f"{scheme} s3cret"})
    assert status == 200 and b"swan_requests" in body
    assert (await http_get(guarded.port, "/metrics", {"Authorization": f"{scheme} wrong"}))[0] == 401
    assert (await http_get(guarded.port, "/metrics", {"Authorization": "Basic s3cret"}))[0] == 401


async def _opens(server: EmbeddedServer, origin: str | None) -> bool:
    headers = {"Origin": origin} if origin is not None else None
    try:
        async with connect(server.url, open_timeout=WAIT, origin=None, additional_headers=headers) as ws:
            await WsClient(ws).ok("authenticate", {"username": "vic", "password": "vic-secret"})
    except InvalidStatus as exc:
        assert exc.response.status_code == 403
        return False
    return True


async def test_a_page_from_another_origin_cannot_open_a_websocket(guarded: EmbeddedServer) -> None:
    assert not await _opens(guarded, "http://evil.example")
    assert not await _opens(guarded, "http://127.0.0.1.evil.example")
    assert not await _opens(guarded, "null")


async def test_desktops_the_servers_own_origin_and_listed_origins_open_websockets(
        guarded: EmbeddedServer) -> None:
    assert await _opens(guarded, None)  # a desktop sends no Origin
    assert await _opens(guarded, f"http://127.0.0.1:{guarded.port}")
    assert await _opens(guarded, "https://admin.studio.lan")
    assert await _opens(guarded, "HTTPS://Admin.Studio.LAN:443")


async def _handshake_status(port: int, host: str, origin: str) -> int:
    """The HTTP status of a WebSocket handshake sent by hand (to choose the Host header)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write((f"GET / HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                      f"Origin: {origin}\r\n\r\n").encode())
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), WAIT)
        return int(status.split()[1])
    finally:
        writer.close()


async def test_a_rebound_dns_name_cannot_pass_as_the_servers_own_origin(guarded: EmbeddedServer) -> None:
    # evil.example re-pointed at the server's address: Host and Origin agree, and name evil.example.
    port = guarded.port
    assert await _handshake_status(port, f"evil.example:{port}", f"http://evil.example:{port}") == 403
    assert await _handshake_status(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 101
    assert await _handshake_status(port, f"localhost:{port}", f"http://localhost:{port}") == 101
