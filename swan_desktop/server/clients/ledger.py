"""The credit ledger: every change to a client's credits is one row, so the balance is always the
ledger's sum.

:func:`post` is the only writer of ``clients.credits``: it adds the row with
the balance after it and moves the client's balance in the same statement
order, inside the caller's transaction (the store's single writer makes the
read-then-write safe). It queues ``credits:changed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, func, insert, select, update

from ...protocol.errors import not_found
from ...protocol.timefmt import format_ts
from ..store import Account, Store, Tx
from ..tables import clients
from .tables import credit_ledger

REASONS = ("opening", "sale", "booking", "completion", "refund", "adjustment", "expiry", "void", "returned")
#: Reasons that move credits for a session (spent once, given back by a refund).
SPENDING = ("booking", "completion", "refund")
PAGE = 200


def balance(store: Store, client_id: int) -> int:
    value = store.db.execute(select(clients.c.credits).where(clients.c.id == client_id)).scalar()
    if value is None:
        raise not_found(f"no client with id {client_id}", field="client_id")
    return int(value)


def post(
    store: Store,
    tx: Tx,
    actor: Account | None,
    client_id: int,
    delta: int,
    reason: str,
    at: datetime,
    *,
    session_id: int | None = None,
    sale_id: int | None = None,
    note: str = "",
) -> dict[str, Any]:
    """Add one row (``reason`` one of :data:`REASONS`) and move the balance; returns the entry."""
    assert reason in REASONS, reason
    after = balance(store, client_id) + delta
    values = {
        "client_id": client_id,
        "delta": delta,
        "balance_after": after,
        "reason": reason,
        "session_id": session_id,
        "sale_id": sale_id,
        "note": note,
        "at": format_ts(at),
        "actor_id": actor.id if actor else None,
        "actor_name": actor.name if actor else None,
    }
    result = store.db.execute(insert(credit_ledger).values(**values))
    store.db.execute(update(clients).where(clients.c.id == client_id).values(credits=after))
    key = result.inserted_primary_key
    assert key is not None
    entry = wire({**values, "id": int(key[0])})
    tx.emit(
        "credits:changed",
        {"client_id": client_id, "balance": after, "entry": entry},
        actor.user if actor else None,
    )
    return entry


def wire(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    actor = {"id": row["actor_id"], "name": row["actor_name"]} if row["actor_id"] is not None else None
    return {
        "id": row["id"],
        "client_id": row["client_id"],
        "delta": row["delta"],
        "balance_after": row["balance_after"],
        "reason": row["reason"],
        "session_id": row["session_id"],
        "sale_id": row["sale_id"],
        "actor": actor,
        "note": row["note"],
        "at": row["at"],
    }


def spent_on(store: Store, session_id: int, client_id: int) -> int:
    """Credits the session holds of the client now (spent and not given back)."""
    total = store.db.execute(
        select(func.coalesce(func.sum(credit_ledger.c.delta), 0)).where(
            credit_ledger.c.session_id == session_id,
            credit_ledger.c.client_id == client_id,
            credit_ledger.c.reason.in_(SPENDING),
        )
    ).scalar()
    return -int(total or 0)


def holding(store: Store, session_id: int) -> list[int]:
    """The clients the session holds credits of now (spent and not given back)."""
    net = func.sum(credit_ledger.c.delta)
    rows = store.db.execute(
        select(credit_ledger.c.client_id)
        .where(credit_ledger.c.session_id == session_id, credit_ledger.c.reason.in_(SPENDING))
        .group_by(credit_ledger.c.client_id).having(net < 0).order_by(credit_ledger.c.client_id)
    )
    return [int(r.client_id) for r in rows]


def page(store: Store, client_id: int, before: int | None = None, limit: int = PAGE) -> dict[str, Any]:
    """The newest entries first (before the entry id ``before``), with ``more`` and the next ``before``."""
    query = select(credit_ledger).where(credit_ledger.c.client_id == client_id)
    if before is not None:
        query = query.where(credit_ledger.c.id < before)
    rows = list(store.db.execute(query.order_by(credit_ledger.c.id.desc()).limit(limit + 1)).mappings())
    entries = [wire(r) for r in rows[:limit]]
    more = len(rows) > limit
    return {
        "entries": entries,
        "balance": balance(store, client_id),
        "more": more,
        "before": entries[-1]["id"] if more and entries else None,
    }


def ledger_sum(store: Store, client_id: int) -> int:
    total = store.db.execute(
        select(func.coalesce(func.sum(credit_ledger.c.delta), 0)).where(
            credit_ledger.c.client_id == client_id
        )
    ).scalar()
    return int(total or 0)


def opening_rows(store: Store, at: datetime) -> int:
    """Give every client whose balance is not their ledger's sum (credits set before the ledger, or by
    a seed) one ``opening`` row for the difference; returns how many. Call inside a transaction."""
    sums = (
        select(credit_ledger.c.client_id, func.sum(credit_ledger.c.delta).label("total"))
        .group_by(credit_ledger.c.client_id)
        .subquery()
    )
    rows = store.db.execute(
        select(clients.c.id, clients.c.credits, func.coalesce(sums.c.total, 0).label("total"))
        .select_from(clients.outerjoin(sums, sums.c.client_id == clients.c.id))
        .where(clients.c.credits != func.coalesce(sums.c.total, 0))
    ).all()
    for client_id, credits, total in rows:
        store.db.execute(
            insert(credit_ledger).values(
                client_id=client_id,
                delta=int(credits) - int(total),
                balance_after=int(credits),
                reason="opening",
                note="credits held before the ledger",
                at=format_ts(at),
            )
        )
    return len(rows)
