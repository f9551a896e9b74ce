"""GET /metrics: valid Prometheus text whose counters equal what a scripted workload did."""

from __future__ import annotations

from pathlib import Path

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.clock import FakeClock
from tests.support.server import Clients, http_get, session_data

from .conftest import families, make_server, value


async def test_metrics_parse_and_count_exactly_the_requests_and_events_of_a_workload(
    server: EmbeddedServer, clients: Clients
) -> None:
    boss = await clients.signed_in("boss")
    vic = await clients.signed_in("vic")
    for _ in range(3):
        await boss.ok("heartbeat", {})
    for _ in range(2):
        await boss.ok("schedule.query", {"start": "2031-03-02T00:00:00Z", "end": "2031-03-09T00:00:00Z"})
    await boss.ok("session.create", session_data())
    await vic.error("session.delete", {"id": 1, "version": 1})
    await vic.error("monitor.snapshot", {})

    status, _, body = await http_get(server.port, "/metrics")
    assert status == 200
    fams = families(body.decode())

    requests = fams["swan_requests"]
    assert requests.type == "counter"
    assert value(requests, "swan_requests_total", type="authenticate", outcome="ok") == 2
    assert value(requests, "swan_requests_total", type="sync", outcome="ok") == 2
    assert value(requests, "swan_requests_total", type="heartbeat", outcome="ok") == 3
    assert value(requests, "swan_requests_total", type="schedule.query", outcome="ok") == 2
    assert value(requests, "swan_requests_total", type="session.create", outcome="ok") == 1
    assert value(requests, "swan_requests_total", type="session.delete", outcome="forbidden") == 1
    assert value(fams["swan_events"], "swan_events_total", kind="session:created") == 1

    latency = fams["swan_request_seconds"]
    assert latency.type == "histogram"
    assert value(latency, "swan_request_seconds_count", type="heartbeat") == 3
    buckets = [s for s in latency.samples if s.name == "swan_request_seconds_bucket"
               and s.labels["type"] == "heartbeat"]
    assert len(buckets) == 12 and buckets[-1].labels["le"] == "+Inf" and buckets[-1].value == 3

    assert value(fams["swan_connections"], "swan_connections") == 2
    assert value(fams["swan_active_users"], "swan_active_users") == 2
    assert value(fams["swan_uptime_seconds"], "swan_uptime_seconds") > 0
    assert value(fams["swan_process_resident_memory_bytes"], "swan_process_resident_memory_bytes") > 1e6
    assert fams["swan_process_cpu_seconds"].type == "counter"
    status_family = fams["swan_service_status"]
    assert value(status_family, "swan_service_status", service="database", status="healthy") == 1
    assert value(status_family, "swan_service_status", service="database", status="degraded") == 0


async def test_metrics_sampled_figures_appear_once_measured(server: EmbeddedServer) -> None:
    _, _, body = await http_get(server.port, "/metrics")
    fams = families(body.decode())
    # The sampler ran once at start: the database was probed and measured.
    assert value(fams["swan_database_size_bytes"], "swan_database_size_bytes") > 0
    assert 0 < value(fams["swan_database_probe_seconds"], "swan_database_probe_seconds") < 1
    assert value(fams["swan_event_log_events"], "swan_event_log_events") >= 0


async def test_a_metrics_token_is_required_as_a_bearer_header_when_configured(
    tmp_path: Path, clock: FakeClock
) -> None:
    import asyncio

    server = make_server(tmp_path / "s.db", clock, metrics_token="s3cret-token")
    try:
        assert (await http_get(server.port, "/metrics")).status == 401
        assert (await http_get(server.port, "/metrics", {"Authorization": "Bearer wrong"})).status == 401
        status, _, body = await http_get(server.port, "/metrics", {"Authorization": "Bearer s3cret-token"})
        assert status == 200 and b"swan_requests" in body
        for scheme in ("bearer", "BEARER"):  # the scheme is case-insensitive (RFC 9110, 11.1)
            auth = {"Authorization": f"{scheme} s3cret-token"}
            assert (await http_get(server.port, "/metrics", auth)).status == 200
        assert (await http_get(server.port, "/metrics", {"Authorization": "bearer wrong"})).status == 401
        assert (await http_get(server.port, "/health")).status == 200  # health stays open
    finally:
        await asyncio.to_thread(server.stop)
