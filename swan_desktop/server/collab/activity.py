"""The activity feed: every change to a session with who, when and what (worker-thread functions).

Entries are written in the same transaction as the change they describe and
travel inside that change's own ``session:*`` event (``data.activity``), so a
change is still exactly one event; ``activity.query`` reads them back (a
client reloads the feed this way after a resync).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import RowMapping, delete, insert, select

from ...protocol.timefmt import format_ts, now_utc
from ..paging import page
from ..store import Account, Store, Tx
from ..wire import stored_json
from .messages import ActivityQuery
from .tables import activity

KINDS = ("created", "updated", "deleted", "overwritten", "discarded")
MAX_QUERY = 1000


def _wire(r: RowMapping) -> dict[str, Any]:
    return {
        "id": r["id"], "ts": r["ts"], "actor": {"id": r["actor_id"], "name": r["actor_name"]},
        "kind": r["kind"], "session_id": r["session_id"], "trainer_id": r["trainer_id"],
        "summary": r["summary"], "changes": json.loads(r["changes"]), "day": r["day"],
    }


_INSERT = insert(activity)
_INSERT_COLUMNS = ("ts", "actor_id", "actor_name", "kind", "session_id", "trainer_id", "summary", "changes",
                   "day")


def record(store: Store, tx: Tx, actor: Account, kind: str, session_id: int, trainer_id: int | None,
           summary: str, changes: list[dict[str, Any]], day: str | None = None) -> dict[str, Any]:
    """Write one entry; ``changes`` is ``[{"field", "old", "new"}]``. Returns it as the wire has it
    (built from what was written, not read back)."""
    ts, stored = format_ts(now_utc()), stored_json(changes)
    insert = store.sql(_INSERT, _INSERT_COLUMNS, returning_key=True)
    new_id = insert.new_id(insert.run(store.db, {
        "ts": ts, "actor_id": actor.id, "actor_name": actor.name, "kind": kind, "session_id": session_id,
        "trainer_id": trainer_id, "summary": summary, "changes": stored, "day": day}))
    return {"id": new_id, "ts": ts, "actor": {"id": actor.id, "name": actor.name}, "kind": kind,
            "session_id": session_id, "trainer_id": trainer_id, "summary": summary,
            "changes": json.loads(stored), "day": day}


def query(store: Store, req: ActivityQuery) -> dict[str, Any]:
    """``activity.query``: newest first, filtered by ``user_id``, ``trainer_id``, ``kind``, ``before``;
    as many as fit one reply (``more`` and a ``before`` cursor when older ones remain)."""
    a = activity.c
    query = select(activity)
    for value, column in ((req.user_id, a.actor_id), (req.trainer_id, a.trainer_id), (req.kind, a.kind)):
        if value is not None:
            query = query.where(column == value)
    if req.before is not None:
        query = query.where(a.id < req.before)
    rows = store.db.execute(query.order_by(a.id.desc()).limit(req.limit + 1)).mappings().all()
    found = page([_wire(r) for r in rows[:req.limit]], older=len(rows) > req.limit)
    return {"entries": found["items"], "more": found["more"], "before": found["before"]}


def prune(store: Store, before: str) -> int:
    """Drop entries older than ``before`` (a wire timestamp); how many went. Runs in its own transaction."""
    with store.transaction():
        gone = store.db.execute(delete(activity).where(activity.c.ts < before)).rowcount
    return int(gone)
