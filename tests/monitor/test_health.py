"""GET /health names every service; a locked database makes it degraded, and admins hear about it."""

from __future__ import annotations

import json
import sqlite3

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.monitor.services import KNOWN_SERVICES
from tests.support.poll import until
from tests.support.server import Clients, RecordingNotifier, http_get


async def _health(server: EmbeddedServer) -> tuple[int, dict]:
    status, _, body = await http_get(server.port, "/health")
    return status, json.loads(body)


def _service(report: dict, name: str) -> dict:
    return next(s for s in report["services"] if s["name"] == name)


async def test_health_lists_every_service_with_status_reason_and_since(server: EmbeddedServer) -> None:
    status, report = await _health(server)
    assert status == 200 and report["status"] == "ok" and report["database"] == "ok"
    assert [s["name"] for s in report["services"]][:4] == [name for name, _ in KNOWN_SERVICES]
    for svc in report["services"]:
        assert svc["status"] in {"healthy", "degraded", "critical", "unknown"}
        assert svc["reason"] and svc["since"].endswith("Z") and svc["label"]
    assert _service(report, "gateway")["status"] == "healthy"
    db = _service(report, "database")
    assert db["status"] == "healthy" and db["reason"].startswith("writes in")


async def test_health_is_degraded_while_the_database_is_locked_and_healthy_after(
    server: EmbeddedServer, notifier: RecordingNotifier, clients: Clients
) -> None:
    boss = await clients.signed_in("boss")
    vic = await clients.signed_in("vic")
    # Another process holds the database's write lock: nothing can be written.
    blocker = sqlite3.connect(str(server.db_path), isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        status, report = await _health(server)
        assert status == 503 and report["status"] == "degraded" and report["database"] == "error"
        db = _service(report, "database")
        assert db["status"] == "degraded" and "locked" in db["reason"]
        await until(lambda: len(notifier.sent) == 1)
        recipients, notice = notifier.sent[0]
        assert recipients.roles == {"admin"}
        assert (notice.category, notice.priority) == ("system", "high")
        assert notice.title == "Schedule store (database) is degraded" and "locked" in notice.message
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    status, report = await _health(server)
    assert status == 200 and report["status"] == "ok" and _service(report, "database")["status"] == "healthy"
    await until(lambda: len(notifier.sent) == 2)
    assert notifier.sent[1][1].title == "Schedule store (database) recovered"
    assert notifier.sent[1][1].priority == "normal"

    # Admins see both changes as events; a viewer sees neither.
    changes = [await boss.next_event(), await boss.next_event()]
    assert [e["kind"] for e in changes] == ["monitor:status-changed"] * 2
    assert [(e["data"]["previous"], e["data"]["status"]) for e in changes] == [
        ("healthy", "degraded"), ("degraded", "healthy")]
    assert changes[0]["data"]["name"] == "database"
    await vic.ok("heartbeat", {})
    assert not [e for e in vic.events if e["kind"].startswith("monitor:")]
