"""Notification rows and per-recipient state in the server's SQLite file.

Every function takes the :class:`~swan_desktop.server.store.Store` first and
runs on the store's worker thread. Changes happen inside ``store.transaction()``
so the ``notification:*`` events they emit (one per recipient, ``audience`` =
that user) commit with them and reach every PC of that user in ``seq`` order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...protocol.errors import invalid, not_found
from ...protocol.timefmt import format_ts, now_utc
from ..notifier_api import PRIORITIES, Notice, Recipients
from ..store import Store, Tx

SCHEMA = """
CREATE TABLE IF NOT EXISTS notifications (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    message    TEXT NOT NULL,
    category   TEXT NOT NULL,
    priority   TEXT NOT NULL,
    source     TEXT NOT NULL,
    links      TEXT NOT NULL DEFAULT '{}',
    actions    TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notification_recipients (
    notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    read_at         TEXT,
    acknowledged_at TEXT,
    dismissed_at    TEXT,
    PRIMARY KEY (notification_id, user_id)
);
CREATE INDEX IF NOT EXISTS notification_recipients_by_user
    ON notification_recipients(user_id, notification_id);
CREATE TABLE IF NOT EXISTS notification_deliveries (
    notification_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    detail          TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (notification_id, user_id, channel)
);
CREATE TABLE IF NOT EXISTS notification_prefs (
    user_id      INTEGER PRIMARY KEY,
    email        TEXT NOT NULL DEFAULT '',
    email_opt_in INTEGER NOT NULL DEFAULT 0,
    min_priority TEXT NOT NULL DEFAULT 'high',
    digest       INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS notification_marks (
    key        TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
"""

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
CONFIRM_SESSION = Action("confirm_session", "Confirm session", dangerous=True)


def conn(store: Store) -> sqlite3.Connection:
    """The store's connection (one writer, one thread: the worker's)."""
    return store._conn


def ensure_schema(store: Store) -> None:
    conn(store).executescript(SCHEMA)


def resolve(store: Store, recipients: Recipients) -> list[int]:
    """User ids named explicitly or by role, ascending and unique."""
    ids = set(recipients.user_ids)
    if recipients.roles:
        ids.update(a.id for a in store.accounts() if a.role.value in recipients.roles)
    known = {a.id for a in store.accounts()}
    return sorted(ids & known)


def _wire(row: sqlite3.Row) -> dict[str, Any]:
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


_SELECT = (
    "SELECT n.*, r.read_at, r.acknowledged_at, r.dismissed_at FROM notifications n "
    "JOIN notification_recipients r ON r.notification_id = n.id WHERE r.user_id = ?"
)


def for_user(store: Store, user_id: int, notification_id: int) -> dict[str, Any] | None:
    row = conn(store).execute(_SELECT + " AND n.id = ?", (user_id, notification_id)).fetchone()
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
    c = conn(store)
    created = format_ts(at or now_utc())
    with store.transaction() as tx:
        if mark is not None:
            cur = c.execute("INSERT OR IGNORE INTO notification_marks(key, created_at) VALUES (?, ?)",
                            (mark, created))
            if cur.rowcount == 0:
                return None
        cur = c.execute(
            "INSERT INTO notifications(title, message, category, priority, source, links, actions, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (notice.title, notice.message, notice.category, notice.priority, notice.source,
             json.dumps(dict(notice.links)), json.dumps([a.to_wire() for a in actions]), created),
        )
        nid = int(cur.lastrowid or 0)
        c.executemany("INSERT INTO notification_recipients(notification_id, user_id) VALUES (?, ?)",
                      [(nid, u) for u in users])
        for u in users:
            wire = for_user(store, u, nid)
            tx.emit("notification:created", {"notification": wire}, audience=frozenset({u}))
    return nid, users


def query(store: Store, user_id: int, filters: dict[str, Any]) -> dict[str, Any]:
    """The user's notifications, newest first, with unread and critical counters."""
    sql = _SELECT
    args: list[Any] = [user_id]
    if not filters.get("include_dismissed", False):
        sql += " AND r.dismissed_at IS NULL"
    if filters.get("unread_only"):
        sql += " AND r.read_at IS NULL"
    for key in ("category", "priority"):
        if filters.get(key) is not None:
            sql += f" AND n.{key} = ?"
            args.append(filters[key])
    if filters.get("since") is not None:
        sql += " AND n.created_at >= ?"
        args.append(filters["since"])
    if filters.get("until") is not None:
        sql += " AND n.created_at < ?"
        args.append(filters["until"])
    if filters.get("before_id") is not None:
        sql += " AND n.id < ?"
        args.append(filters["before_id"])
    sql += " ORDER BY n.id DESC LIMIT ?"
    args.append(int(filters.get("limit", 200)))
    c = conn(store)
    rows = [_wire(r) for r in c.execute(sql, args)]
    unread = c.execute(
        "SELECT COUNT(*) FROM notification_recipients WHERE user_id = ? AND read_at IS NULL "
        "AND dismissed_at IS NULL", (user_id,)).fetchone()[0]
    critical = c.execute(
        "SELECT COUNT(*) FROM notification_recipients r JOIN notifications n ON n.id = r.notification_id "
        "WHERE r.user_id = ? AND n.priority = 'critical' AND r.acknowledged_at IS NULL "
        "AND r.dismissed_at IS NULL", (user_id,)).fetchone()[0]
    return {"notifications": rows, "unread": int(unread), "critical": int(critical),
            "seq": store.head_seq()}


def apply_mark(store: Store, tx: Tx, user_id: int, ids: list[int], op: str,
               at: datetime | None = None) -> list[int]:
    """Change the user's state of ``ids`` (inside ``tx``) as of ``at`` (default: now);
    emits ``notification:updated`` per change."""
    if op not in MARK_OPS:
        raise invalid(f"op must be one of {', '.join(MARK_OPS)}", field="op")
    c = conn(store)
    now = format_ts(at or now_utc())
    changed: list[int] = []
    for nid in ids:
        row = c.execute("SELECT * FROM notification_recipients WHERE notification_id = ? AND user_id = ?",
                        (nid, user_id)).fetchone()
        if row is None:
            raise not_found(f"no notification {nid} for you", field="ids")
        if op == "read" and row["read_at"] is None:
            c.execute("UPDATE notification_recipients SET read_at = ? WHERE notification_id = ? "
                      "AND user_id = ?", (now, nid, user_id))
        elif op == "unread" and row["read_at"] is not None:
            c.execute("UPDATE notification_recipients SET read_at = NULL, acknowledged_at = NULL "
                      "WHERE notification_id = ? AND user_id = ?", (nid, user_id))
        elif op == "acknowledge" and row["acknowledged_at"] is None:
            c.execute("UPDATE notification_recipients SET acknowledged_at = ?, "
                      "read_at = COALESCE(read_at, ?) WHERE notification_id = ? AND user_id = ?",
                      (now, now, nid, user_id))
        elif op == "dismiss" and row["dismissed_at"] is None:
            c.execute("UPDATE notification_recipients SET dismissed_at = ?, read_at = COALESCE(read_at, ?) "
                      "WHERE notification_id = ? AND user_id = ?", (now, now, nid, user_id))
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
        conn(store).execute(
            "INSERT OR REPLACE INTO notification_deliveries(notification_id, user_id, channel, status, "
            "attempts, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (nid, user_id, channel, status, attempts, detail[:500], format_ts(now_utc())))


def deliveries(store: Store, nid: int) -> list[dict[str, Any]]:
    rows = conn(store).execute(
        "SELECT * FROM notification_deliveries WHERE notification_id = ? ORDER BY user_id, channel", (nid,))
    return [dict(r) for r in rows]


# -- preferences ----------------------------------------------------------------
DEFAULT_PREFS: dict[str, Any] = {"email": "", "email_opt_in": False, "min_priority": "high", "digest": True}


def prefs(store: Store, user_id: int) -> dict[str, Any]:
    row = conn(store).execute("SELECT * FROM notification_prefs WHERE user_id = ?", (user_id,)).fetchone()
    if row is None:
        return dict(DEFAULT_PREFS)
    return {"email": row["email"], "email_opt_in": bool(row["email_opt_in"]),
            "min_priority": row["min_priority"], "digest": bool(row["digest"])}


def set_prefs(store: Store, user_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    merged = prefs(store, user_id)
    for key, value in changes.items():
        if key not in DEFAULT_PREFS:
            raise invalid(f"unknown field: {key}", field=key)
        if key in ("email_opt_in", "digest") and not isinstance(value, bool):
            raise invalid(f"{key} must be true or false", field=key)
        if key == "email" and (not isinstance(value, str) or (value and "@" not in value)):
            raise invalid("email must be an address like name@example.com", field=key)
        if key == "min_priority" and value not in PRIORITIES:
            raise invalid(f"min_priority must be one of {', '.join(PRIORITIES)}", field=key)
        merged[key] = value
    with store.transaction():
        conn(store).execute(
            "INSERT OR REPLACE INTO notification_prefs(user_id, email, email_opt_in, min_priority, digest) "
            "VALUES (?, ?, ?, ?, ?)",
            (user_id, merged["email"], int(merged["email_opt_in"]), merged["min_priority"],
             int(merged["digest"])))
    return merged


def email_targets(store: Store, user_ids: list[int]) -> list[tuple[int, str, dict[str, Any]]]:
    """(user id, address, prefs) of the recipients who opted in to email."""
    out = []
    for u in user_ids:
        p = prefs(store, u)
        if p["email_opt_in"] and p["email"]:
            out.append((u, str(p["email"]), p))
    return out


def prune(store: Store, before: str) -> int:
    """Drop notifications created before ``before`` (a wire timestamp) with their recipients,
    deliveries and action marks; how many went. Runs in its own transaction."""
    db = conn(store)
    old = "SELECT id FROM notifications WHERE created_at < ?"
    with store.transaction():
        db.execute(f"DELETE FROM notification_recipients WHERE notification_id IN ({old})", (before,))
        db.execute(f"DELETE FROM notification_deliveries WHERE notification_id IN ({old})", (before,))
        db.execute("DELETE FROM notification_marks WHERE created_at < ?", (before,))
        gone = db.execute("DELETE FROM notifications WHERE created_at < ?", (before,)).rowcount
    return int(gone)
