"""Notification rows and per-recipient state in the server database.

Every function takes the :class:`~swan_desktop.server.store.Store` first and
runs on the store's worker thread. Changes happen inside ``store.transaction()``
so the ``notification:*`` events they emit (one per recipient, ``audience`` =
that user) commit with them and reach every PC of that user in ``seq`` order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, Select, and_, delete, func, insert, select, update

from ...protocol.errors import invalid, not_found
from ...protocol.timefmt import format_ts, now_utc
from ..notifier_api import Notice, Recipients
from ..paging import cut
from ..storage import dialect
from ..store import Store, Tx
from .tables import (
    notification_deliveries,
    notification_marks,
    notification_recipients,
    notifications,
)

N, R = notifications.c, notification_recipients.c
_PUT_DELIVERY = dialect.upsert(notification_deliveries, ("status", "attempts", "detail", "updated_at"))

MARK_OPS = ("read", "unread", "acknowledge", "dismiss")


@dataclass(frozen=True)
class Action:
    """A button on a notification. ``dangerous`` ones need ``confirm: true`` and run on the server."""

    id: str
    label: str
    dangerous: bool = False

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "dangerous": self.dangerous}


ACKNOWLEDGE = Action("acknowledge", "Acknowledge")
OPEN_SESSION = Action("open_session", "Open session")
OPEN_CLIENT = Action("open_client", "Open client card")
#: On a notice about several sessions (time off or working hours over bookings, sessions left
#: open): its ``session`` link is the earliest of them.
OPEN_FIRST = Action("open_session", "Open the first session")
CONFIRM_SESSION = Action("confirm_session", "Confirm session", dangerous=True)


def resolve(store: Store, recipients: Recipients) -> list[int]:
    """User ids named explicitly or by role, ascending and unique."""
    ids = set(recipients.user_ids)
    if recipients.roles:
        ids.update(a.id for a in store.accounts() if a.role.value in recipients.roles)
    known = {a.id for a in store.accounts()}
    return sorted(ids & known)


def _wire(row: RowMapping) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "message": row["message"],
        "category": row["category"],
        "priority": row["priority"],
        "source": row["source"],
        "links": json.loads(row["links"]),
        "actions": json.loads(row["actions"]),
        "created_at": row["created_at"],
        "read_at": row["read_at"],
        "acknowledged_at": row["acknowledged_at"],
        "dismissed_at": row["dismissed_at"],
    }


def _select(user_id: int) -> Select[Any]:
    """Each notification of ``user_id`` with that user's state of it."""
    return (select(notifications, R.read_at, R.acknowledged_at, R.dismissed_at)
            .join(notification_recipients, R.notification_id == N.id).where(R.user_id == user_id))


def _recipient(user_id: int, notification_id: int) -> Any:
    return and_(R.notification_id == notification_id, R.user_id == user_id)


def for_user(store: Store, user_id: int, notification_id: int) -> dict[str, Any] | None:
    row = store.db.execute(_select(user_id).where(N.id == notification_id)).mappings().first()
    return _wire(row) if row else None


def create(
    store: Store,
    recipients: Recipients,
    notice: Notice,
    actions: Iterable[Action] = (),
    *,
    mark: str | None = None,
    at: datetime | None = None,
) -> tuple[int, list[int]] | None:
    """Store ``notice`` for everyone in ``recipients`` and emit ``notification:created`` to each.

    ``mark`` makes it happen at most once (e.g. one reminder per session).
    Returns (notification id, recipient ids), or None when there was nobody
    to tell or the mark was already set.
    """
    users = resolve(store, recipients)
    if not users:
        return None
    created = format_ts(at or now_utc())
    with store.transaction() as tx:
        if mark is not None:
            marked = store.db.execute(dialect.insert_ignore(notification_marks),
                                      {"key": mark, "created_at": created})
            if marked.rowcount == 0:
                return None
        nid = dialect.new_id(store.db.execute(insert(notifications).values(
            title=notice.title, message=notice.message, category=notice.category, priority=notice.priority,
            source=notice.source, links=json.dumps(dict(notice.links)),
            actions=json.dumps([a.to_wire() for a in actions]), created_at=created)))
        store.db.execute(insert(notification_recipients),
                         [{"notification_id": nid, "user_id": u} for u in users])
        for u in users:
            wire = for_user(store, u, nid)
            tx.emit("notification:created", {"notification": wire}, audience=frozenset({u}))
    return nid, users


def query(store: Store, user_id: int, filters: dict[str, Any]) -> dict[str, Any]:
    """The user's notifications, newest first, with unread and critical counters."""
    query = _select(user_id)
    if not filters.get("include_dismissed", False):
        query = query.where(R.dismissed_at.is_(None))
    if filters.get("unread_only"):
        query = query.where(R.read_at.is_(None))
    for key in ("category", "priority"):
        if filters.get(key) is not None:
            query = query.where(N[key] == filters[key])
    if filters.get("since") is not None:
        query = query.where(N.created_at >= filters["since"])
    if filters.get("until") is not None:
        query = query.where(N.created_at < filters["until"])
    if filters.get("before_id") is not None:
        query = query.where(N.id < filters["before_id"])
    limit = int(filters.get("limit", 200))
    query = query.order_by(N.id.desc()).limit(limit + 1)
    found = [_wire(r) for r in store.db.execute(query).mappings()]
    # At most `limit`, and no more than fit a reply: 1,000 announcements of 5,000 characters
    # would be over the frame the desktop accepts, and its notification center would never load.
    rows, more = cut(found[:limit], len(found) > limit)
    unread = store.db.execute(select(func.count()).select_from(notification_recipients).where(
        R.user_id == user_id, R.read_at.is_(None), R.dismissed_at.is_(None))).scalar_one()
    critical = store.db.execute(
        select(func.count()).select_from(notification_recipients)
        .join(notifications, N.id == R.notification_id)
        .where(R.user_id == user_id, N.priority == "critical", R.acknowledged_at.is_(None),
               R.dismissed_at.is_(None))).scalar_one()
    return {"notifications": rows, "unread": int(unread), "critical": int(critical),
            "seq": store.head_seq(), "more": more, "before_id": rows[-1]["id"] if more else None}


def apply_mark(store: Store, tx: Tx, user_id: int, ids: list[int], op: str,
               at: datetime | None = None) -> list[int]:
    """Change the user's state of ``ids`` (inside ``tx``) as of ``at`` (default: now);
    emits ``notification:updated`` per change."""
    if op not in MARK_OPS:
        raise invalid(f"op must be one of {', '.join(MARK_OPS)}", field="op")
    now = format_ts(at or now_utc())
    changed: list[int] = []
    for nid in ids:
        row = store.db.execute(select(notification_recipients).where(_recipient(user_id, nid))
                               ).mappings().first()
        if row is None:
            raise not_found(f"no notification {nid} for you", field="ids")
        mine = update(notification_recipients).where(_recipient(user_id, nid))
        read_now = func.coalesce(R.read_at, now)
        if op == "read" and row["read_at"] is None:
            store.db.execute(mine.values(read_at=now))
        elif op == "unread" and row["read_at"] is not None:
            store.db.execute(mine.values(read_at=None, acknowledged_at=None))
        elif op == "acknowledge" and row["acknowledged_at"] is None:
            store.db.execute(mine.values(acknowledged_at=now, read_at=read_now))
        elif op == "dismiss" and row["dismissed_at"] is None:
            store.db.execute(mine.values(dismissed_at=now, read_at=read_now))
        else:
            continue
        changed.append(nid)
        tx.emit("notification:updated", {"notification": for_user(store, user_id, nid)},
                audience=frozenset({user_id}))
    return changed


# -- delivery status ------------------------------------------------------------
def record_delivery(store: Store, nid: int, user_id: int, channel: str, status: str,
                    attempts: int, detail: str = "") -> None:
    with store.transaction():
        store.db.execute(_PUT_DELIVERY, {
            "notification_id": nid, "user_id": user_id, "channel": channel, "status": status,
            "attempts": attempts, "detail": detail[:500], "updated_at": format_ts(now_utc())})


def deliveries(store: Store, nid: int) -> list[dict[str, Any]]:
    d = notification_deliveries.c
    rows = store.db.execute(select(notification_deliveries).where(d.notification_id == nid)
                            .order_by(d.user_id, d.channel)).mappings()
    return [dict(r) for r in rows]


def prune(store: Store, before: str) -> int:
    """Drop notifications created before ``before`` (a wire timestamp) with their recipients,
    deliveries and action marks; how many went. Runs in its own transaction."""
    old = select(N.id).where(N.created_at < before).scalar_subquery()
    with store.transaction():
        store.db.execute(delete(notification_recipients).where(R.notification_id.in_(old)))
        store.db.execute(delete(notification_deliveries)
                         .where(notification_deliveries.c.notification_id.in_(old)))
        store.db.execute(delete(notification_marks).where(notification_marks.c.created_at < before))
        gone = store.db.execute(delete(notifications).where(N.created_at < before)).rowcount
    return int(gone)
