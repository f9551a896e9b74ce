"""Plain HTTP on the WebSocket port: /health as JSON and /metrics in Prometheus text format."""

from __future__ import annotations

import json

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import Clients, http_get


async def test_health_reports_status_epoch_seq_and_connections(
    clients: Clients, server: EmbeddedServer
) -> None:
    await clients.signed_in("vic")
    status, headers, body = await http_get(server.port, "/health")
    assert status == 200 and headers["content-type"] == "application/json"
    report = json.loads(body)
    assert report["status"] == "ok" and report["database"] == "ok"
    assert report["epoch"] == server.epoch and isinstance(report["seq"], int)
    assert report["connections"] == 1 and report["uptime_s"] >= 0


async def test_metrics_count_requests_by_type_and_outcome(clients: Clients, server: EmbeddedServer) -> None:
    client = await clients.signed_in("vic")
    await client.ok("heartbeat", {})
    await client.error("session.delete", {"id": 1, "version": 1})
    status, headers, body = await http_get(server.port, "/metrics")
    text = body.decode()
    assert status == 200 and "version=0.0.4" in headers["content-type"]
    assert 'swan_requests_total{outcome="ok",type="heartbeat"} 1.0' in text
    assert 'swan_requests_total{outcome="forbidden",type="session.delete"} 1.0' in text
    assert "swan_connections 1.0" in text
    assert "swan_request_seconds_bucket" in text


async def test_unknown_http_paths_are_not_found(server: EmbeddedServer) -> None:
    status, _, _ = await http_get(server.port, "/nope")
    assert status == 404
