"""monitor.snapshot and monitor.history: admins only, every figure measured or null."""

from __future__ import annotations

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from tests.support import pg
from tests.support.server import Clients, on_server


@pytest.mark.parametrize("user", ["ana", "vic"])
async def test_only_admins_may_ask_the_monitor(clients: Clients, user: str) -> None:
    client = await clients.signed_in(user)
    for rtype, data in (("monitor.snapshot", {}), ("monitor.history", {"range": "5m"})):
        error = await client.error(rtype, data)
        assert error["code"] == "forbidden" and "may not" in error["message"]


async def test_a_snapshot_holds_services_figures_and_latency_per_request_type(
    clients: Clients, server: EmbeddedServer
) -> None:
    boss = await clients.signed_in("boss")
    for _ in range(4):
        await boss.ok("heartbeat", {})
    await on_server(server, server.server.monitor.sample_now)
    snap = await boss.ok("monitor.snapshot", {})
    assert snap["status"] in {"healthy", "unknown", "degraded", "critical"}
    assert {"gateway", "database", "notifications", "collaboration"} <= {s["name"] for s in snap["services"]}
    figures = snap["figures"]
    assert figures["connections"] == 1 and figures["active_users"] == 1
    assert figures["requests_per_s"] > 0 and figures["error_rate"] == 0.0
    assert figures["db_size_bytes"] > 0 and figures["memory_rss_bytes"] > 0
    assert figures["event_log_depth"] >= 0 and figures["db_probe_ms"] > 0
    heartbeat = snap["latency_by_type"]["heartbeat"]
    assert heartbeat["requests"] == 4
    assert 0 < heartbeat["p50_ms"] <= heartbeat["p95_ms"] <= heartbeat["p99_ms"]  # ordered; no timing bound
    assert "session.create" not in snap["latency_by_type"]  # never asked: no made-up figure
    # One server (named, as `serve --instance-name` names one): one instance and its database.
    [me] = snap["instances"]
    assert snap["instance"] == me["id"] == "monitor-test" and me["this"] is True and me["state"] == "up"
    assert me["port"] == server.port and me["figures"]["connections"] == 1
    database = snap["database"]
    assert database["engine"] == pg.current and database["reachable"] is True
    assert database["size_bytes"] == figures["db_size_bytes"] > 0
    if pg.current == "sqlite":
        assert database["connections"] is None  # a file has no connections to count


async def test_a_quiet_window_has_no_rate_of_errors_or_latency(
    clients: Clients, server: EmbeddedServer
) -> None:
    monitor = server.server.monitor
    await on_server(server, monitor.sample_now)  # closes the window holding the sign-in
    quiet = await on_server(server, monitor.sample_now)
    assert quiet["error_rate"] is None and quiet["latency_p50_ms"] is None
    assert quiet["requests_per_s"] == 0.0


@pytest.mark.parametrize(("data", "field"), [
    ({"range": "2h"}, "range"), ({}, "range"), ({"range": "5m", "series": "cpu"}, "series"),
])
async def test_a_history_request_with_a_bad_range_or_series_is_invalid(
    clients: Clients, data: dict, field: str
) -> None:
    boss = await clients.signed_in("boss")
    error = await boss.error("monitor.history", data)
    assert error["code"] == "invalid" and error["data"]["field"] == field


async def test_refusals_are_counted_apart_from_server_errors(clients: Clients,
                                                             server: EmbeddedServer) -> None:
    from tests.server.support import session_data

    boss = await clients.signed_in("boss")
    await boss.ok("session.create", session_data())
    for _ in range(2):  # the same trainer at the same time: refused as a clash
        assert (await boss.error("session.create", session_data()))["code"] == "conflict"
    assert (await boss.error("session.update", {"id": 999_999, "version": 1, "changes": {}}))["code"]
    figures = await on_server(server, server.server.monitor.sample_now)
    assert figures["clashes_last_hour"] == 2
    assert figures["refused_last_hour"] == 3
    assert figures["server_errors_last_hour"] == 0 and figures["error_rate"] == 0.0
    assert figures["refusal_rate"] > 0
