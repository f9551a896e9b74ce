"""Health probes for the notification service and the collaboration hub.

Both report what they can measure: the notification service its email queue
(retries under way and low-priority notices waiting for the digest) and the
emails that failed in the last hour; the hub how many people are online.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, select

from ...protocol.timefmt import format_ts, now_utc
from ..notifications.tables import notification_deliveries
from ..store import Store
from .services import Health, Probe, ServiceReport

if TYPE_CHECKING:
    from ..app import SwanServer

FAILED_WINDOW = timedelta(hours=1)


def _email_figures(store: Store) -> tuple[int, int]:
    since = format_ts(now_utc() - FAILED_WINDOW)
    d = notification_deliveries.c  # the service's own table, read on the store's thread
    row = store.db.execute(select(
        func.count().filter(d.status.in_(("retrying", "digest"))),
        func.count().filter(and_(d.status == "failed", d.updated_at >= since)),
    ).where(d.channel == "email")).one()
    return int(row[0] or 0), int(row[1] or 0)


def notifications_probe(server: SwanServer) -> Probe:
    async def probe() -> ServiceReport:
        queued, failed = await server.store.run(_email_figures)
        figures = {"email_queue_depth": queued, "emails_failed_1h": failed}
        email = "email on" if await server.notifications.mail_config() is not None else "email not configured"
        if failed:
            return ServiceReport(Health.DEGRADED, f"{failed} email(s) failed in the last hour ({email})",
                                 figures)
        return ServiceReport(Health.HEALTHY, f"delivering; {queued} email(s) queued ({email})", figures)
    return probe


def collaboration_probe(server: SwanServer) -> Probe:
    async def probe() -> ServiceReport:
        online = len(server.collab.presence.entries)
        word = "person" if online == 1 else "people"
        return ServiceReport(Health.HEALTHY, f"{online} {word} present", {"present": online})
    return probe
