"""Package credits: spent once when a booked session is completed, given back on a timely cancel.

Every movement is a row of the clients' credit ledger (:mod:`..clients.ledger`),
written inside the session change's own transaction on the store's single
writer, so a client's balance is always the ledger's sum. What a session holds
of a client is read from the ledger (its ``completion`` rows less its
``refund`` rows), so a session is charged at most once however many requests
(retries, or two people at the same moment) complete it; only a completion
after a refund charges again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from ...protocol.entities import Session
from ..clients import ledger
from ..store import Account, Store, Tx
from .tables import session_prices


def cost(store: Store, session: Session) -> int:
    """What the session costs its client: its price from when it was booked (:func:`fix_price`), or,
    for one booked without a session type, 1."""
    price = store.db.execute(select(session_prices.c.credits)
                             .where(session_prices.c.session_id == session.id)).scalar()
    if price is not None:
        return int(price)
    kind = store.session_type(session.session_type_id) if session.session_type_id is not None else None
    return kind.credits if kind is not None else 1


def fix_price(store: Store, session: Session) -> None:
    """Keep what ``session`` costs now, from its session type's credits: booked, or given another
    type; a type's later change of credits applies to new bookings only."""
    store.db.execute(delete(session_prices).where(session_prices.c.session_id == session.id))
    kind = store.session_type(session.session_type_id) if session.session_type_id is not None else None
    if kind is not None:
        store.db.execute(insert(session_prices).values(session_id=session.id, credits=kind.credits))


def charge(store: Store, tx: Tx, actor: Account, session: Session, now: datetime,
           client_id: int | None = None) -> int:
    """Spend the session type's credits from the client's balance; 0 when nothing was spent.
    ``client_id``: one of a group session's clients (the session's own client by default)."""
    who = session.client_id if client_id is None else client_id
    if who is None or ledger.spent_on(store, session.id, who) > 0:
        return 0
    price = cost(store, session)
    if price:
        _move(store, tx, actor, who, -price, session.id, "completion", now)
    return price


def restore(store: Store, tx: Tx, actor: Account, session: Session, now: datetime,
            window_start: datetime, client_id: int | None = None) -> int:
    """Give spent credits back when cancelled before ``window_start``; 0 when nothing came back."""
    who = session.client_id if client_id is None else client_id
    if who is None or now > window_start:
        return 0
    held = ledger.spent_on(store, session.id, who)
    if held <= 0:
        return 0
    _move(store, tx, actor, who, held, session.id, "refund", now)
    return held


def move_to(store: Store, tx: Tx, actor: Account, session: Session, from_client: int,
            now: datetime) -> int:
    """The session's client was corrected from ``from_client`` to ``session.client_id`` (or taken
    off): what it holds of the old client goes back to them and, if there is a new client, is
    spent by them instead. Returns the credits moved (0 when the old client was not charged)."""
    held = ledger.spent_on(store, session.id, from_client)
    if held <= 0:
        return 0
    note = "the session's client was changed"
    _move(store, tx, actor, from_client, held, session.id, "refund", now, note)
    if session.client_id is not None and session.client_id != from_client:
        _move(store, tx, actor, session.client_id, -held, session.id, "completion", now, note)
    return held


def given_back(store: Store, tx: Tx, actor: Account, session: Session, now: datetime) -> int:
    """A deleted session never happened: each client it holds credits of gets them back."""
    back = 0
    for client_id in ledger.holding(store, session.id):
        held = ledger.spent_on(store, session.id, client_id)
        _move(store, tx, actor, client_id, held, session.id, "refund", now, "the session was deleted")
        back += held
    return back


def charged(store: Store, session_id: int, client_id: int) -> bool:
    return ledger.spent_on(store, session_id, client_id) > 0


def _move(store: Store, tx: Tx, actor: Account, client_id: int, change: int, session_id: int,
          reason: str, now: datetime, note: str = "") -> None:
    ledger.post(store, tx, actor, client_id, change, reason, now, session_id=session_id, note=note)
    client = store.client(client_id)
    data: dict[str, Any] = {
        "client": client.to_wire() if client else {"id": client_id},
        "change": change, "session_id": session_id,
        "reason": "completed" if reason == "completion" else "cancelled",
    }
    tx.emit("allocation:updated", data, actor.user)
