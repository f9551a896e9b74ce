"""The activity feed: every change to a session with who, when and what (worker-thread functions).

Entries are written in the same transaction as the change they describe and
travel inside that change's own ``session:*`` event (``data.activity``), so a
change is still exactly one event; ``activity.query`` reads them back (a
client reloads the feed this way after a resync).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ...protocol.timefmt import format_ts, now_utc
from ..store import Account, Store, Tx
from .messages import ActivityQuery
from .schema import conn

KINDS = ("created", "updated", "deleted", "overwritten", "discarded")
MAX_QUERY = 1000


def _wire(r: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": r["id"], "ts": r["ts"], "actor": {"id": r["actor_id"], "name": r["actor_name"]},
        "kind": r["kind"], "session_id": r["session_id"], "trainer_id": r["trainer_id"],
        "summary": r["summary"], "changes": json.loads(r["changes"]), "day": r["day"],
    }


def record(store: Store, tx: Tx, actor: Account, kind: str, session_id: int, trainer_id: int | None,
           summary: str, changes: list[dict[str, Any]], day: str | None = None) -> dict[str, Any]:
    """Write one entry; ``changes`` is ``[{"field", "old", "new"}]``."""
    cur = conn(store).execute(
        "INSERT INTO activity(ts, actor_id, actor_name, kind, session_id, trainer_id, summary, changes, day) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (format_ts(now_utc()), actor.id, actor.name, kind, session_id, trainer_id, summary,
         json.dumps(changes), day))
    row = conn(store).execute("SELECT * FROM activity WHERE id = ?", (cur.lastrowid,)).fetchone()
    return _wire(row)


def query(store: Store, req: ActivityQuery) -> dict[str, Any]:
    """``activity.query``: newest first, filtered by ``user_id``, ``trainer_id``, ``kind``, ``before``."""
    sql, args = "SELECT * FROM activity WHERE 1 = 1", []
    for value, column in ((req.user_id, "actor_id"), (req.trainer_id, "trainer_id"), (req.kind, "kind")):
        if value is not None:
            sql += f" AND {column} = ?"
            args.append(value)
    if req.before is not None:
        sql += " AND id < ?"
        args.append(req.before)
    rows = conn(store).execute(sql + " ORDER BY id DESC LIMIT ?", (*args, req.limit)).fetchall()
    return {"entries": [_wire(r) for r in rows]}


def prune(store: Store, before: str) -> int:
    """Drop entries older than ``before`` (a wire timestamp); how many went. Runs in its own transaction."""
    db = conn(store)
    with store.transaction():
        gone = db.execute("DELETE FROM activity WHERE ts < ?", (before,)).rowcount
    return int(gone)
