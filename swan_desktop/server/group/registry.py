"""The instances on the database (store-thread functions): claim, heartbeat, stop, expiry, listing.

Each instance has a row in ``server_instances``: where it runs, when it started, when it
last reported, and its latest monitor report. It refreshes ``last_seen`` every few
seconds (:class:`~.service.StudioGroup`). An instance silent for longer than the timeout
is *gone*: the first other instance to notice marks it so, drops its presence rows (its
users leave) and tells admins with ``monitor:instance-changed`` — in one write
transaction, under the write lock, so that happens once. A clean stop marks its own row
``stopped`` and lets its users go (not announced: it was planned). Rows of instances
gone or stopped for a day are deleted. Times are wall-clock epoch seconds (the instances'
clocks are assumed to agree within a few seconds, as NTP keeps them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select, update

from ...protocol.entities import Role
from ...protocol.timefmt import format_ts
from ..storage import dialect
from ..store import Store, Tx
from . import presence_rows
from .tables import server_instances

INSTANCE_CHANGED = "monitor:instance-changed"
UP, GONE, STOPPED = "up", "gone", "stopped"
#: Rows of instances gone or stopped for this long are deleted.
FORGET_AFTER_S = 86_400.0

_PUT = dialect.upsert(server_instances, ("host", "pid", "port", "started_at", "last_seen", "stopped_at",
                                         "gone_at", "report"))


@dataclass(frozen=True, slots=True)
class Identity:
    """One running instance: its id (unique on the database), host, process, port, start time."""

    id: str
    host: str
    pid: int
    port: int
    started_at: float


def _iso(seconds: float | None) -> str | None:
    return format_ts(datetime.fromtimestamp(seconds, UTC)) if seconds is not None else None


def state_of(row: Any, now: float, timeout_s: float) -> str:
    if row["stopped_at"] is not None:
        return STOPPED
    if row["gone_at"] is not None or row["last_seen"] < now - timeout_s:
        return GONE
    return UP


def to_wire(row: Any, now: float, timeout_s: float) -> dict[str, Any]:
    """An instance as ``monitor.*`` carries it (its report's status, database and figures)."""
    report = json.loads(row["report"] or "{}")
    return {
        "id": row["id"], "host": row["host"], "pid": row["pid"], "port": row["port"],
        "started": _iso(row["started_at"]), "last_seen": _iso(row["last_seen"]),
        "state": state_of(row, now, timeout_s),
        "status": report.get("status", "unknown"),
        "database": report.get("database", "unknown"),
        "figures": report.get("figures", {}),
    }


def _row(store: Store, instance: str) -> Any:
    query = select(server_instances).where(server_instances.c.id == instance)
    return store.db.execute(query).mappings().first()


def _tell_admins(store: Store, tx: Tx, row: Any, previous: str, now: float, timeout_s: float) -> None:
    admins = frozenset(a.id for a in store.accounts() if a.role is Role.ADMIN)
    tx.emit(INSTANCE_CHANGED, {"instance": to_wire(row, now, timeout_s), "previous": previous},
            audience=admins)


def claim(store: Store, me: Identity, now: float, timeout_s: float, announce: bool = True) -> None:
    """This instance starts: its row written afresh; presence rows of an earlier run under the same id
    are dropped (those users leave). With ``announce``, admins hear it is up again when it had been
    taken for gone (a start, or a restart after a clean stop, is not news)."""
    with store.transaction() as tx:
        before = _row(store, me.id)
        previous = state_of(before, now, timeout_s) if before is not None else STOPPED
        presence_rows.drop_instance(store, tx, me.id, now - timeout_s, "quit")
        store.db.execute(_PUT, {"id": me.id, "host": me.host, "pid": me.pid, "port": me.port,
                                "started_at": me.started_at, "last_seen": now, "stopped_at": None,
                                "gone_at": None, "report": "{}"})
        if announce and previous == GONE:
            _tell_admins(store, tx, _row(store, me.id), previous, now, timeout_s)


def beat(store: Store, identity: Identity, now: float, timeout_s: float,
         report: dict[str, Any] | None = None) -> tuple[bool, list[str]]:
    """Refresh this instance's ``last_seen`` (and its report), and mark the silent others gone.

    Returns whether this instance had itself been marked gone or forgotten (it was silent too
    long: its presence rows are gone, so it must announce its users again), and the instances
    it found gone now."""
    i = server_instances.c
    me = identity.id
    values: dict[str, Any] = {"last_seen": now, "gone_at": None}
    if report is not None:
        values["report"] = json.dumps(report)
    cutoff = now - timeout_s
    with store.transaction() as tx:
        mine = _row(store, me)
        revived = mine is None or mine["gone_at"] is not None
        if mine is None:  # forgotten (silent for a day) or the database was restored: written afresh
            store.db.execute(_PUT, {"id": me, "host": identity.host, "pid": identity.pid,
                                    "port": identity.port, "started_at": identity.started_at,
                                    "stopped_at": None, "report": "{}", **values})
        else:
            store.db.execute(update(server_instances).where(i.id == me).values(**values))
        if revived:
            _tell_admins(store, tx, _row(store, me), GONE, now, timeout_s)
        silent = [r for r in store.db.execute(select(server_instances).where(
            i.id != me, i.gone_at.is_(None), i.stopped_at.is_(None), i.last_seen < cutoff)).mappings()]
        for row in silent:
            store.db.execute(update(server_instances).where(i.id == row["id"]).values(gone_at=now))
            presence_rows.drop_instance(store, tx, row["id"], cutoff, "timeout")
            _tell_admins(store, tx, _row(store, row["id"]), UP, now, timeout_s)
        forget = now - FORGET_AFTER_S
        store.db.execute(delete(server_instances).where(i.id != me, or_(
            i.gone_at < forget, i.stopped_at < forget)))
    return revived, [str(r["id"]) for r in silent]


def stop(store: Store, me: str, now: float, timeout_s: float) -> None:
    """This instance stops cleanly: marked stopped (the monitor shows it; a planned stop is not
    announced), and its users leave."""
    i = server_instances.c
    with store.transaction() as tx:
        store.db.execute(update(server_instances).where(i.id == me).values(stopped_at=now, last_seen=now))
        presence_rows.drop_instance(store, tx, me, now - timeout_s, "quit")


def listing(store: Store, now: float, timeout_s: float) -> list[dict[str, Any]]:
    """Every instance known (up first, then by id), as ``monitor.*`` carries them."""
    rows = store.db.execute(select(server_instances).order_by(server_instances.c.id)).mappings()
    out = [to_wire(r, now, timeout_s) for r in rows]
    return sorted(out, key=lambda w: (w["state"] != UP, w["id"]))
