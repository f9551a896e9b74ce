"""Retention: the server's prune drops notifications and activity entries older than it keeps
(``serve --keep-notifications-days``, ``--keep-activity-days``) and nothing newer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Table, func, select, update

from swan_desktop.protocol.timefmt import format_ts, now_utc
from swan_desktop.server.cli import _parser
from swan_desktop.server.collab.tables import activity
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.notifications.tables import notification_recipients, notifications
from swan_desktop.server.retention import Retention
from swan_desktop.server.store import Store
from tests.support.server import on_server, session_data


def _age(store: Store, days: int) -> None:
    """Back-date every notification and activity entry there is now by ``days``."""
    then = format_ts(now_utc() - timedelta(days=days))
    with store.transaction():
        store.db.execute(update(notifications).values(created_at=then))
        store.db.execute(update(activity).values(ts=then))


def _counts(store: Store) -> tuple[int, int, int]:
    def count(table: Table) -> int:
        return int(store.db.execute(select(func.count()).select_from(table)).scalar_one())
    return count(notifications), count(notification_recipients), count(activity)


async def test_the_prune_keeps_only_what_is_within_retention(server: EmbeddedServer, clients) -> None:
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    await boss.ok("session.create", session_data())
    await ana.notification_created("Session booked")
    store = server.server.store
    store.submit(_age, 200)  # older than the notifications' 180 days, within the activity's 365
    await boss.ok("session.create", session_data(start="2031-01-07T10:00:00Z", end="2031-01-07T11:00:00Z"))
    await ana.notification_created("Session booked")
    before = store.submit(_counts)
    assert before[0] == 2 and before[2] == 2

    await on_server(server, server.server.prune_once)
    notes, recipients, entries = store.submit(_counts)
    assert (notes, entries) == (1, 2) and recipients < before[1]

    server.server.retention = Retention(notifications_days=180, activity_days=30)
    await on_server(server, server.server.prune_once)
    assert store.submit(_counts)[2] == 1  # the 200-day-old entry is past 30 days now


def test_serve_takes_retention_days_and_refuses_less_than_one() -> None:
    args = _parser().parse_args(["serve", "--db", "x.db"])
    assert (args.keep_notifications_days, args.keep_activity_days) == (180, 365)
    args = _parser().parse_args(["serve", "--db", "x.db", "--keep-notifications-days", "30",
                                 "--keep-activity-days", "90"])
    assert (args.keep_notifications_days, args.keep_activity_days) == (30, 90)
    with pytest.raises(SystemExit):
        _parser().parse_args(["serve", "--db", "x.db", "--keep-activity-days", "0"])
