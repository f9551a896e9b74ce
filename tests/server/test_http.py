"""Plain HTTP on the WebSocket port: /health as JSON and /metrics in Prometheus text format."""

from __future__ import annotations

import asyncio
import json

from swan_desktop.server.embedded import EmbeddedServer

from .support import Clients


async def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


async def test_health_reports_status_epoch_seq_and_connections(
    clients: Clients, server: EmbeddedServer
) -> None:
    await clients.signed_in("vic")
    status, headers, body = await _get(server.port, "/health")
    assert status == 200 and headers["content-type"] == "application/json"
    report = json.loads(body)
    assert report["status"] == "ok" and report["database"] == "ok"
    assert report["epoch"] == server.epoch and isinstance(report["seq"], int)
    assert report["connections"] == 1 and report["uptime_s"] >= 0


async def test_metrics_count_requests_by_type_and_outcome(clients: Clients, server: EmbeddedServer) -> None:
    client = await clients.signed_in("vic")
    await client.ok("heartbeat", {})
    await client.error("session.delete", {"id": 1, "version": 1})
    status, headers, body = await _get(server.port, "/metrics")
    text = body.decode()
    assert status == 200 and "version=0.0.4" in headers["content-type"]
    assert 'swan_requests_total{outcome="ok",type="heartbeat"} 1.0' in text
    assert 'swan_requests_total{outcome="forbidden",type="session.delete"} 1.0' in text
    assert "swan_connections 1.0" in text
    assert "swan_request_seconds_bucket" in text


async def test_unknown_http_paths_are_not_found(server: EmbeddedServer) -> None:
    status, _, _ = await _get(server.port, "/nope")
    assert status == 404
