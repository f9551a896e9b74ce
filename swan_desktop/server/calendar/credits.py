"""Package credits: spent once when a booked session is completed, given back on a timely cancel.

Every function runs inside the session change's own transaction, on the
store's single writer. ``credit_charges`` holds one row per session, so a
session is charged at most once however many requests (retries, or two people
at the same moment) complete it; a restore marks the row, and only a later
completion after a restore charges again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, select, update

from ...protocol.entities import Session
from ...protocol.timefmt import format_ts
from ..storage import dialect
from ..store import Account, Store, Tx
from ..tables import clients
from .tables import credit_charges

_CHARGE = dialect.upsert(credit_charges, ("client_id", "credits", "charged_at", "restored_at"))


def _cost(store: Store, session: Session) -> int:
    kind = store.session_type(session.session_type_id) if session.session_type_id is not None else None
    return kind.credits if kind is not None else 1


def charge(store: Store, tx: Tx, actor: Account, session: Session, now: datetime) -> int:
    """Spend the session type's credits from the client's package; 0 when nothing was spent."""
    if session.client_id is None:
        return 0
    row = _charge(store, session.id)
    if row is not None and row["restored_at"] is None:
        return 0  # already charged
    cost = _cost(store, session)
    store.db.execute(_CHARGE, {"session_id": session.id, "client_id": session.client_id, "credits": cost,
                               "charged_at": format_ts(now), "restored_at": None})
    _move(store, tx, actor, session.client_id, -cost, session.id, "completed")
    return cost


def restore(store: Store, tx: Tx, actor: Account, session: Session, now: datetime,
            window_start: datetime) -> int:
    """Give spent credits back when cancelled before ``window_start``; 0 when nothing came back."""
    row = _charge(store, session.id)
    if row is None or row["restored_at"] is not None or now > window_start:
        return 0
    store.db.execute(update(credit_charges).where(credit_charges.c.session_id == session.id)
                     .values(restored_at=format_ts(now)))
    _move(store, tx, actor, int(row["client_id"]), int(row["credits"]), session.id, "cancelled")
    return int(row["credits"])


def charged(store: Store, session_id: int) -> bool:
    row = _charge(store, session_id)
    return row is not None and row["restored_at"] is None


def _charge(store: Store, session_id: int) -> RowMapping | None:
    return store.db.execute(select(credit_charges).where(credit_charges.c.session_id == session_id)
                            ).mappings().first()


def _move(store: Store, tx: Tx, actor: Account, client_id: int, change: int, session_id: int,
          reason: str) -> None:
    store.db.execute(update(clients).where(clients.c.id == client_id)
                     .values(credits=clients.c.credits + change))
    client = store.client(client_id)
    data: dict[str, Any] = {
        "client": client.to_wire() if client else {"id": client_id},
        "change": change, "session_id": session_id, "reason": reason,
    }
    tx.emit("allocation:updated", data, actor.user)
