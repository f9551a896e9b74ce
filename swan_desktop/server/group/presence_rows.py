"""Presence in the database: each instance's announced entries, so any instance answers for all.

An instance keeps its own users' presence in memory (:mod:`..collab.presence`) and writes
each announcement here in the transaction of its ``presence:*`` event: ``joined`` and
``changed`` put the user's row under the instance's id, ``left`` deletes it. A user present
through two instances leaves only when the last one lets go: ``left`` is announced only
when no other live instance still holds a row for them. When an instance stops or is found
gone (:mod:`.registry`), its rows are dropped the same way, in one transaction under the
write lock, so its users' ``presence:left`` is announced once, by one instance.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, select

from ..storage import dialect
from ..store import Store, Tx
from .tables import presence_entries, server_instances

LEFT = "presence:left"
_PUT = dialect.upsert(presence_entries, ("data",))


def _live(live_after: float) -> Any:
    """The ids of the instances reporting since ``live_after`` and neither stopped nor gone."""
    i = server_instances.c
    return select(i.id).where(i.gone_at.is_(None), i.stopped_at.is_(None), i.last_seen >= live_after)


def present_elsewhere(db: Connection, user_id: int, instance: str, live_after: float) -> bool:
    p = presence_entries.c
    return bool(db.execute(select(exists().where(and_(
        p.user_id == user_id, p.instance != instance, p.instance.in_(_live(live_after)))))).scalar())


def record(store: Store, instance: str, kind: str, data: dict[str, Any], live_after: float) -> None:
    """Write the announcement ``kind`` of ``instance`` and its event (one transaction)."""
    p = presence_entries.c
    with store.transaction() as tx:
        if kind == LEFT:
            uid = int(data["user_id"])
            store.db.execute(delete(presence_entries).where(p.instance == instance, p.user_id == uid))
            if present_elsewhere(store.db, uid, instance, live_after):
                return  # still online through another instance: not news
        else:
            entry = data["presence"]
            store.db.execute(_PUT, {"instance": instance, "user_id": int(entry["user"]["id"]),
                                    "data": json.dumps(entry)})
        tx.emit(kind, data)


def drop_instance(store: Store, tx: Tx, instance: str, live_after: float, reason: str) -> list[int]:
    """Inside a transaction: forget every row of ``instance``; its users not present through a live
    instance leave (``presence:left`` with ``reason``). The users who left."""
    p = presence_entries.c
    users = [int(u) for u in store.db.execute(select(p.user_id).where(p.instance == instance)).scalars()]
    store.db.execute(delete(presence_entries).where(p.instance == instance))
    left = [u for u in users if not present_elsewhere(store.db, u, instance, live_after)]
    for uid in left:
        tx.emit(LEFT, {"user_id": uid, "reason": reason})
    return left


def others(store: Store, instance: str, live_after: float) -> list[dict[str, Any]]:
    """The presence announced through the other live instances (one entry per user)."""
    p = presence_entries.c
    rows = store.db.execute(select(p.user_id, p.data).where(
        p.instance != instance, p.instance.in_(_live(live_after))).order_by(p.user_id, p.instance))
    out: dict[int, dict[str, Any]] = {}
    for uid, data in rows:
        out.setdefault(int(uid), json.loads(data))
    return list(out.values())
