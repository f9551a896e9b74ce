"""The notification service and the collaboration hub report their own health."""

from __future__ import annotations

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import Clients, on_server


async def test_notifications_and_collaboration_report_measured_health(
        clients: Clients, server: EmbeddedServer) -> None:
    boss = await clients.signed_in("boss")
    await boss.ok("presence.update", {"activity": "viewing", "day": "2026-11-26"})
    await on_server(server, server.server.monitor.sample_now)
    snap = await boss.ok("monitor.snapshot", {})
    services = {s["name"]: s for s in snap["services"]}
    notifications = services["notifications"]
    assert notifications["status"] == "healthy"
    assert "email not configured" in notifications["reason"]
    collab = services["collaboration"]
    assert collab["status"] == "healthy" and collab["reason"] == "1 person present"
    assert snap["figures"]["email_queue_depth"] == 0


async def test_requests_of_feature_modules_are_counted_under_their_own_name(
        clients: Clients, server: EmbeddedServer) -> None:
    boss = await clients.signed_in("boss")
    await boss.ok("notification.query", {})
    await boss.ok("presence.query", {})
    metrics = server.server.metrics
    assert metrics.type_label("notification.query") == "notification.query"
    assert metrics.type_label("presence.query") == "presence.query"
    assert metrics.type_label("nonsense.request") == "other"
    text = metrics.render().decode()
    assert 'swan_requests_total{outcome="ok",type="notification.query"} 1.0' in text
